import { randomBytes, randomUUID } from 'node:crypto';
import {
  backupTimeOf,
  causedMetadata,
  internalMetadata,
  streamCategory,
  streamIds,
  type DecisionMetadata,
  type InstanceRequestedData,
  type RecordedEvent,
} from '@federa/contracts';
import type { AgentDispatcher } from '../agents/agent-dispatcher';
import { failuresOf } from '../domain/application-failures';
import type { AutoscalingPolicy } from '../domain/autoscaling-policy';
import { planDeployment, type DeploymentAction } from '../domain/deployment-plan';
import { isLive, type InstanceView } from '../domain/instance-view';
import { decideService, type ServiceCommand, type ServiceState } from '../domain/service-decider';
import { partitionKeep } from '../domain/partition-keep';
import { agentCameBackWithout, cameBackWithoutReason } from '../domain/report-overdue';
import { assessServiceHealth, type ServiceProbeStanding } from '../domain/service-health';
import { recordedProbeStanding } from '../domain/service-probe-standing';
import type { InstanceCommand } from '@federa/instance-lifecycle';
import type { SupervisionSettings } from '../supervision-config';
import type { SupervisionView, ViewCause } from '../domain/supervision-view';
import { dataPredecessors } from '../domain/data-predecessors';
import type { BackupCatalog } from './backup-catalog';
import type { CaughtUpWaiters } from './caught-up-waiters';
import type { InstanceWriter } from './instance-writer';
import type { LostInstanceWords } from './lost-instance-words';
import type { ServiceWriter } from './service-writer';

/** The leadership that lets one supervisor act per database. */
export interface LeaderLease {
  holds(): Promise<boolean>;
}

export interface ReactorLog {
  log(message: string): void;
  warn(message: string): void;
}

/** The reactor's own records of a service's health: news to others, nothing to react to. */
const healthRecords: ReadonlySet<string> = new Set([
  'ServiceAvailable',
  'ServiceDegraded',
  'ServiceFailed',
]);

/** What a pass covers: some services or all of them, and whether the autoscaler decides. */
interface Due {
  services: Set<string> | 'all';
  scaling: boolean;
}

/**
 * The leader's decisions, level-triggered: reconciles services with planDeployment (request, stop,
 * confirm stopped), replaces the instances of down hosts (the non-relocatable ones are recorded
 * lost), records service health, and on its tick applies autoscaling and resends starts. It reacts
 * to each page the view applies (a placed instance is started at once, the services the page touched
 * are reconciled) and, as a safety net, reconciles everything on its tick. Passes never overlap:
 * news arriving during one is merged into the next. A pass never waits on an agent (the dispatcher
 * sends without awaiting answers): an agent the bus cannot reach must not hold back what the
 * services say of themselves.
 */
export class SupervisionReactor {
  private leader = false;
  /**
   * Since when this process has heard agents without a break (ms): it became leader, or its bus came
   * back. What agents said before went to no one here.
   */
  private listeningSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private draining: Promise<void> | undefined;
  private due: Due | undefined;
  private stopped = false;
  /** Starts sent on arrival, awaited on stop so that nothing appends after it. */
  private readonly starting = new Set<Promise<void>>();
  /** Instances whose data a request already inherited (each dead instance's data goes to one). */
  private readonly inherited = new Set<string>();

  constructor(
    private readonly view: SupervisionView,
    private readonly lease: LeaderLease,
    private readonly dispatcher: AgentDispatcher,
    private readonly instances: InstanceWriter,
    private readonly services: ServiceWriter,
    private readonly waiters: CaughtUpWaiters,
    private readonly policy: AutoscalingPolicy,
    private readonly settings: Pick<
      SupervisionSettings,
      'tickMs' | 'backoff' | 'unhealthyGraceMs' | 'partitionGraceMs' | 'heartbeatMs'
    >,
    private readonly log: ReactorLog,
    private readonly now: () => number = Date.now,
    /** Where a service's end-to-end probe stands (the leader's probe runner knows it first). */
    private readonly probeStanding: (
      name: string,
      state: ServiceState,
    ) => ServiceProbeStanding | undefined = (_name, state) => recordedProbeStanding(state),
    /** Where the newest copies of instances' data are found; none: replacements start empty. */
    private readonly backups?: BackupCatalog,
    /** What agents said of lost instances that the log has no event for (a guest migrating). */
    private readonly lostWords?: Pick<LostInstanceWords, 'heardAt' | 'forgetFound'>,
  ) {}

  /** True once the last tick found this process holding the leader lease. */
  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error) => this.log.warn(`tick failed: ${String(error)}`))
        .finally(() => (this.ticking = undefined));
    }, this.settings.tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await this.draining;
    await Promise.all(this.starting);
    // Sends still unanswered are abandoned: their answers would come after the service stopped.
    await this.dispatcher.close();
  }

  /** Reacts to a page the view applied: starts what it placed, reconciles the services it touched. */
  applied(events: readonly RecordedEvent[]): void {
    if (!this.leader || this.stopped) return;
    const placed: string[] = [];
    const touched = new Set<string>();
    let hosts = false;
    for (const event of events) {
      const category = streamCategory(event.streamId);
      const data = (event.data ?? {}) as { service?: unknown; instance?: unknown };
      if (category === 'host') hosts = true;
      else if (healthRecords.has(event.type)) continue;
      else if (category === 'instance' || category === 'service') {
        if (typeof data.service === 'string') touched.add(data.service);
        if (event.type === 'InstancePlaced' && typeof data.instance === 'string')
          placed.push(data.instance);
      }
    }
    if (placed.length > 0) {
      const start = this.dispatcher
        .startPlaced(placed)
        .catch((error) => this.log.warn(`start failed: ${String(error)}`))
        .finally(() => this.starting.delete(start));
      this.starting.add(start);
    }
    if (hosts || touched.size > 0)
      void this.schedule({ services: hosts ? 'all' : touched, scaling: false });
  }

  /** The bus came back: what agents said while it was gone reached nobody here. */
  busReconnected(): void {
    this.listeningSince = this.now();
  }

  /** The service's probe result changed: its health is assessed (and recorded) again. */
  serviceProbeChanged(service: string): void {
    if (!this.leader || this.stopped) return;
    void this.schedule({ services: new Set([service]), scaling: false });
  }

  /** Checks the lease, then (leader only) reconciles every service and resends what is due. */
  async tick(): Promise<void> {
    const held = await this.lease.holds();
    if (held && !this.leader) this.listeningSince = this.now();
    // What agents answer from now on is the next leader's to record.
    if (!held && this.leader) this.dispatcher.abandonAnswers();
    this.leader = held;
    if (!this.leader) return;
    await this.schedule({ services: 'all', scaling: true });
  }

  /** Merges `due` into the next pass and answers when the passes in progress are done. */
  private schedule(due: Due): Promise<void> {
    const before = this.due;
    this.due = {
      services:
        before?.services === 'all' || due.services === 'all'
          ? 'all'
          : new Set([...(before?.services ?? []), ...due.services]),
      scaling: (before?.scaling ?? false) || due.scaling,
    };
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.due && !this.stopped) {
      const due = this.due;
      this.due = undefined;
      try {
        await this.pass(due);
      } catch (error) {
        this.log.warn(`reconcile failed: ${String(error)}`);
      }
    }
  }

  private async pass(due: Due): Promise<void> {
    if (due.services === 'all') await this.settleInstancesOfDownHosts();
    const names = due.services === 'all' ? [...this.view.services.keys()] : [...due.services];
    for (const name of names) await this.reconcile(name, due.scaling);
    if (due.services === 'all') await this.dispatcher.startPlaced();
  }

  private async reconcile(name: string, scaling: boolean): Promise<void> {
    const state = this.view.service(name);
    const instances = this.view.instancesOf(name, this.now(), this.settings.partitionGraceMs);
    if (!state.running && state.status !== 'stopping' && !instances.some(isLive)) return;
    const plan = planDeployment(
      { ...state, stopping: state.status === 'stopping' },
      instances,
      this.now(),
      this.settings.backoff,
      this.settings.unhealthyGraceMs,
    );
    // Health first: it reads the instances as they are now, and an action may wait on an agent that
    // does not answer (the bus down) for a request timeout, which must not hold back what the
    // service says of itself.
    if (state.running && state.deployed) {
      const targets = state.deployed.applications.map((a) => ({
        name: a.name,
        min: a.replicas.min,
        desired: state.desired[a.name] ?? a.replicas.min,
      }));
      await this.decideIfNews(name, state, {
        type: 'record-health',
        health: assessServiceHealth(targets, instances, this.probeStanding(name, state)),
      });
    }
    for (const action of plan.actions) await this.act(name, state, instances, action);
    if (!state.running || !state.deployed) return;
    if (scaling) await this.autoscale(name, state);
  }

  private async autoscale(name: string, state: ServiceState): Promise<void> {
    for (const app of state.deployed?.applications ?? []) {
      if (!app.scaling) continue;
      const replicas = state.desired[app.name] ?? app.replicas.min;
      const decision = this.policy.decide(
        `${name}/${app.name}`,
        replicas,
        { ...app.scaling, ...app.replicas },
        this.now(),
      );
      if (decision.kind === 'hold') continue;
      this.log.log(
        `${name}/${app.name}: scale ${decision.kind} ${decision.from} → ${decision.to} (load ${decision.inputs.averageLoad.toFixed(2)})`,
      );
      await this.decideIfNews(name, state, {
        type: 'scale',
        app: app.name,
        to: decision.to,
        inputs: decision.inputs,
        metric: app.scaling.metric,
      });
    }
  }

  /** Appends only when the view's state says the command produces events (no log read every pass). */
  private async decideIfNews(
    name: string,
    state: ServiceState,
    command: ServiceCommand,
  ): Promise<void> {
    try {
      if (decideService(command, state).length === 0) return;
    } catch {
      return;
    }
    await this.services.command(name, command);
  }

  private async act(
    name: string,
    state: ServiceState,
    instances: readonly InstanceView[],
    action: DeploymentAction,
  ): Promise<void> {
    if (action.kind === 'stopped') {
      await this.services.command(name, { type: 'confirm-stopped' }, this.intentCause(name));
    } else if (action.kind === 'request') {
      const app = state.deployed?.applications.find((a) => a.name === action.app);
      if (!app) return;
      const mine = instances.filter((i) => i.app === action.app);
      const reason = mine.some((i) => isLive(i) && i.revision < action.revision)
        ? 'update'
        : failuresOf(mine).consecutive > 0
          ? 'replace'
          : mine.filter(isLive).length >= app.replicas.min
            ? 'scale-out'
            : 'deploy';
      let last = 0;
      // An application with data: each new instance takes over the data of one its host took down.
      const predecessors = app.data ? dataPredecessors(mine, action.app, this.inherited) : [];
      for (let n = 0; n < action.count; n++) {
        const instance = `${name}-${action.app}-${randomBytes(3).toString('hex')}`;
        const predecessor = predecessors.shift();
        const data = {
          service: name,
          app: action.app,
          instance,
          layer: app.layer,
          resources: app.resources,
          revision: action.revision,
          reason: predecessor ? 'replace' : reason,
          ...(predecessor ? await this.inheritedData(predecessor) : {}),
        } as InstanceRequestedData;
        const outcome = await this.instances.decide(
          instance,
          { type: 'request', data },
          this.requestCause(name, mine, predecessor),
        );
        if (predecessor) {
          this.inherited.add(predecessor.id);
          this.log.log(
            data.dataLost
              ? `${instance} replaces ${predecessor.id} without its data: no copy of it exists (dataLost)`
              : `${instance} replaces ${predecessor.id} from ${data.restoreFrom} (${data.dataAgeMs} ms old)`,
          );
        }
        last = Math.max(last, outcome?.position ?? 0);
      }
      await this.waiters.caughtUp(last);
    } else {
      const instance = this.view.instances.get(action.instance);
      if (!instance) return;
      // An unhealthy instance is stopped on supervision's word; any other for the service's intent.
      const cause =
        action.why === 'unhealthy'
          ? internalMetadata(
              'supervision',
              randomUUID(),
              this.view.lastEvents.get(streamIds.instance(instance.id)),
            )
          : this.intentCause(name);
      const position = await this.dispatcher.stop(instance, action.why, cause);
      if (position !== undefined) await this.waiters.caughtUp(position);
    }
  }

  /**
   * What a replacement of `predecessor` records of its data: its newest copy and the copy's age;
   * without one, the copy the predecessor itself started from (it died before its first copy); else
   * that none exists (it starts empty, `dataLost`). A catalog that cannot answer throws: the request
   * waits for the next pass rather than record a loss that may not be one.
   */
  private async inheritedData(
    predecessor: InstanceView,
  ): Promise<Pick<InstanceRequestedData, 'replaces' | 'restoreFrom' | 'dataAgeMs' | 'dataLost'>> {
    const replaces = predecessor.id;
    // Its copies are in the bucket of the host it ran on (one that never was placed has none).
    const copy = predecessor.host
      ? await this.backups?.newestOf(replaces, predecessor.host)
      : undefined;
    const key = copy?.key ?? predecessor.restoreFrom;
    const at = copy?.at ?? (key ? backupTimeOf(key) : undefined);
    if (!key || at === undefined) return { replaces, dataLost: true };
    return { replaces, restoreFrom: key, dataAgeMs: Math.max(0, Math.round(this.now() - at)) };
  }

  /**
   * Instances of down hosts. A dead host's relocatable instances fail (and are replaced through
   * placement); the others are recorded lost (kept, reported, until their agent speaks of them
   * again). A partitioned host's instances are recorded lost, and only the stateless ones fail once
   * the partition grace is over: the others may come back with the partition's end, and a copy
   * started meanwhile would be a second writer of their data. Copies that come back after their
   * replacement are fenced when their agent reports them. A lost instance whose host is back, and
   * whose agent let its report fall due without a word of it (agentCameBackWithout), fails with its
   * host to blame: it is replaced, a stateful one from its newest copy. An agent that says it holds it
   * in a state the log has no event for (lostWords) holds that off for one more window from its first
   * word, two windows after the return at most; the copy it still holds is then fenced.
   */
  private async settleInstancesOfDownHosts(): Promise<void> {
    let last = 0;
    const now = this.now();
    const window = {
      heartbeatMs: this.settings.heartbeatMs,
      partitionGraceMs: this.settings.partitionGraceMs,
      listeningSince: this.listeningSince ?? now,
    };
    this.lostWords?.forgetFound();
    for (const instance of [...this.view.instances.values()]) {
      const host = instance.host ? this.view.hosts.get(instance.host) : undefined;
      const heardAt = this.lostWords?.heardAt(instance.id);
      if (agentCameBackWithout(instance, host, now, window, heardAt)) {
        // Decided on the log, not the view: a report recorded since the view read (it runs, starts
        // or stops after all) refuses it, where failing it would replace an instance its agent
        // holds. A word the log has no event for is only in memory: read just above, so that one
        // can come too late only if the agent was silent of it for the whole wait before.
        const outcome = await this.instances.decide(
          instance.id,
          { type: 'fail-lost', host: instance.host as string, reason: cameBackWithoutReason },
          this.hostCause(instance.host),
        );
        last = Math.max(last, outcome?.position ?? 0);
        continue;
      }
      if (!isLive(instance) || !host?.down) continue;
      // A moving instance is its migration's: the saga decides which copy is kept when an end is
      // down, and fails or gives it back (then supervision acts) once it has decided.
      if (instance.state === 'migrating') continue;
      const app = this.view.applicationOf(instance);
      let command: InstanceCommand;
      if (host.cause === 'partitioned') {
        const keep = partitionKeep(app, now - (host.downAt ?? now), this.settings.partitionGraceMs);
        command = keep
          ? { type: 'mark-lost', reason: `host ${host.id} partitioned, not replaced (${keep})` }
          : {
              type: 'fail',
              reason: `host ${host.id} partitioned past the ${this.settings.partitionGraceMs} ms grace`,
              cause: 'host-partitioned',
              restarts: 0,
            };
      } else {
        const reason = `host ${host.id} down`;
        command =
          app?.placement.relocatable === false
            ? { type: 'mark-lost', reason }
            : { type: 'fail', reason, cause: 'host-down', restarts: 0 };
      }
      // Lost already: recorded once, nothing new until it fails or its agent speaks of it again.
      if (command.type === 'mark-lost' && instance.state === 'lost') continue;
      const outcome = await this.instances.decide(instance.id, command, this.hostCause(host.id));
      last = Math.max(last, outcome?.position ?? 0);
    }
    if (last) await this.waiters.caughtUp(last);
  }

  /**
   * Who a request acts for (docs/security/audit.md): supervision itself when it replaces an instance
   * that failed since the service's latest intent (caused by that instance's last event: its failure,
   * its host's death), else whoever asked for that intent (deploy, update, scale).
   */
  private requestCause(
    name: string,
    mine: readonly InstanceView[],
    predecessor: InstanceView | undefined,
  ): DecisionMetadata {
    const intent = this.view.intents.get(name);
    let failure: ViewCause | undefined;
    for (const instance of predecessor ? [predecessor] : mine) {
      if (!predecessor && instance.state !== 'failed') continue;
      const last = this.view.lastEvents.get(streamIds.instance(instance.id));
      if (last && (!failure || last.position > failure.position)) failure = last;
    }
    if (failure && (!intent || failure.position > intent.position))
      return internalMetadata('supervision', failure.metadata.correlationId, failure);
    return this.intentCause(name);
  }

  /** Carries on the actor of the service's latest intent; supervision's own without one. */
  private intentCause(name: string): DecisionMetadata {
    const intent = this.view.intents.get(name);
    return intent
      ? causedMetadata(intent, 'supervision')
      : internalMetadata('supervision', randomUUID());
  }

  /** Supervision's own decision, caused by the host's latest event (down, back). */
  private hostCause(host: string | undefined): DecisionMetadata {
    const cause = host === undefined ? undefined : this.view.lastEvents.get(streamIds.host(host));
    return internalMetadata('supervision', randomUUID(), cause);
  }
}
