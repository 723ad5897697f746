import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  FederaError,
  streamIds,
  type EventMetadata,
  type InstanceStopReason,
  type NormalisedApplication,
  type NewEvent,
  type RecordedEvent,
  type StartCommand,
  type StopCommand,
} from '@federa/contracts';
import {
  handleCommand,
  LogSubscription,
  type EventStore,
  type PostgresLeaderLease,
} from '@federa/eventstore';
import { AgentLink, type ObservedInstance } from '../agents/agent-link';
import { failuresOf } from '../domain/application-failures';
import { AutoscalingPolicy } from '../domain/autoscaling-policy';
import { planDeployment, type DeploymentAction } from '../domain/deployment-plan';
import { isLive, type InstanceView } from '../domain/instance-view';
import { unhealthyFailureReason } from '../domain/unhealthy-grace';
import { observedChange } from '../domain/observed-state';
import {
  decideService,
  initialServiceState,
  serviceDecider,
  type ServiceCommand,
  type ServiceState,
} from '../domain/service-decider';
import { assessServiceHealth } from '../domain/service-health';
import type { SupervisionSettings } from '../supervision-settings';
import type { SupervisionView } from '../view/supervision-view';
import { instanceStartPayload } from './instance-start-payload';

/**
 * The active part of supervision: follows the log into the view, turns agent observations into
 * instance events, and on every tick (leader only) reconciles each service with planDeployment,
 * starts placed instances on their agents, replaces instances of down hosts, records service health
 * and applies autoscaling decisions.
 */
export class Supervisor {
  private readonly logger = new Logger('Supervisor');
  private subscription: LogSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private leader = false;
  private readonly policy: AutoscalingPolicy;
  /** When a start or stop was last sent per instance, until the instance ends (for resends). */
  private readonly startSent = new Map<string, number>();
  private readonly stopSent = new Map<string, number>();
  /** caughtUp() calls waiting for the view, each checking its position after every applied page. */
  private readonly waiters = new Set<() => void>();
  /** Changes appended from observations and not yet seen in the view, so that a burst records one. */
  private readonly inFlight = new Map<string, string>();

  constructor(
    private readonly store: EventStore,
    private readonly view: SupervisionView,
    private readonly link: AgentLink,
    private readonly lease: PostgresLeaderLease,
    private readonly settings: SupervisionSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.policy = new AutoscalingPolicy(settings.scalingWindowMs);
    view.onApplied((events) => {
      this.inFlight.clear();
      this.forgetEnded(events);
      for (const check of [...this.waiters]) check();
    });
  }

  start(): void {
    this.subscription = new LogSubscription(this.store, async (events) => this.view.apply(events), {
      pollMs: 50,
      onError: (error) => this.logger.error(`log subscription stopped: ${String(error)}`),
    });
    this.link.listen(
      (observed) => void this.observe(observed).catch((e) => this.logger.warn(String(e))),
    );
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .catch((error) => this.logger.warn(`tick failed: ${String(error)}`))
        .finally(() => (this.ticking = undefined));
    }, this.settings.tickMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    this.link.close();
    await this.subscription?.stop();
    await this.lease.release();
  }

  /** Resolves once the view has applied the log up to `position` (read-your-writes for commands). */
  async caughtUp(position: number, timeoutMs = 5000): Promise<void> {
    if (this.view.position >= position) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (this.view.position >= position) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Forgets the sends to instances that these events ended: nothing will be resent to them. */
  private forgetEnded(events: RecordedEvent[]): void {
    for (const event of events) {
      const id = (event.data as { instance?: unknown }).instance;
      if (typeof id !== 'string') continue;
      const instance = this.view.instances.get(id);
      if (instance && isLive(instance)) continue;
      this.startSent.delete(id);
      this.stopSent.delete(id);
    }
  }

  /**
   * Runs a command on a service stream and waits until the view shows its outcome; answers the new
   * state and the log position of the last event appended, if any.
   */
  async command(
    name: string,
    command: ServiceCommand,
  ): Promise<{ state: ServiceState; position?: number }> {
    const decider = { ...serviceDecider, initialState: () => initialServiceState(name) };
    const result = await handleCommand(this.store, streamIds.service(name), decider, command, {
      metadata: { correlationId: randomUUID(), actor: 'supervision' },
    });
    if (result.appended) await this.caughtUp(result.appended.lastPosition);
    return { state: result.newState, position: result.appended?.lastPosition };
  }

  private async tick(): Promise<void> {
    this.leader = await this.lease.holds();
    if (!this.leader) return;
    await this.replaceInstancesOfDownHosts();
    for (const name of [...this.view.services.keys()]) await this.reconcile(name);
    await this.startPlacedInstances();
  }

  private async reconcile(name: string): Promise<void> {
    const state = this.view.service(name);
    const instances = this.view.instancesOf(name);
    if (!state.running && state.status !== 'stopping' && !instances.some(isLive)) return;
    const plan = planDeployment(
      { ...state, stopping: state.status === 'stopping' },
      instances,
      this.now(),
      this.settings.backoff,
      this.settings.unhealthyGraceMs,
    );
    for (const action of plan.actions) await this.act(name, state, instances, action);
    if (!state.running || !state.deployed) return;
    const targets = state.deployed.applications.map((a) => ({
      name: a.name,
      min: a.replicas.min,
      desired: state.desired[a.name] ?? a.replicas.min,
    }));
    await this.decideIfNews(name, state, {
      type: 'record-health',
      health: assessServiceHealth(targets, instances),
    });
    for (const app of state.deployed.applications) {
      if (!app.scaling) continue;
      const replicas = state.desired[app.name] ?? app.replicas.min;
      const decision = this.policy.decide(
        `${name}/${app.name}`,
        replicas,
        { ...app.scaling, ...app.replicas },
        this.now(),
      );
      if (decision.kind === 'hold') continue;
      this.logger.log(
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

  /** Appends only when the view's state says the command produces events (no log read every tick). */
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
    await this.command(name, command);
  }

  private async act(
    name: string,
    state: ServiceState,
    instances: InstanceView[],
    action: DeploymentAction,
  ): Promise<void> {
    if (action.kind === 'stopped') {
      await this.command(name, { type: 'confirm-stopped' });
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
      for (let n = 0; n < action.count; n++) {
        const instance = `${name}-${action.app}-${randomBytes(3).toString('hex')}`;
        const data = {
          service: name,
          app: action.app,
          instance,
          layer: app.layer,
          resources: app.resources,
          revision: action.revision,
          reason,
        };
        last = await this.append(instance, 'no-stream', 'InstanceRequested', data);
      }
      await this.caughtUp(last);
    } else {
      const instance = this.view.instances.get(action.instance);
      if (instance) await this.stopInstance(instance, action.why);
    }
  }

  private async stopInstance(instance: InstanceView, why: InstanceStopReason): Promise<void> {
    const sent = this.stopSent.get(instance.id);
    if (sent !== undefined && this.now() - sent < this.settings.resendMs) return;
    this.stopSent.set(instance.id, this.now());
    const base = {
      service: instance.service,
      app: instance.app,
      instance: instance.id,
      ...(instance.host ? { host: instance.host } : {}),
    };
    const host = instance.host ? this.view.hosts.get(instance.host) : undefined;
    if (
      !instance.host ||
      host?.down ||
      instance.state === 'pending' ||
      instance.state === 'placed'
    ) {
      await this.caughtUp(await this.recordStopped(base, host?.down ? 'host-down' : why));
      return;
    }
    if (instance.state !== 'stopping') {
      await this.caughtUp(
        await this.append(instance.id, 'any', 'InstanceStopRequested', { ...base, reason: why }),
      );
    }
    const command = {
      commandId: `stop-${instance.id}`,
      epoch: this.epochOf(instance),
      type: 'stop',
      instance: instance.id,
      graceMs: 5000,
    } as StopCommand;
    try {
      await this.link.send(instance.host, command);
    } catch (error) {
      if (error instanceof FederaError && error.code === 'not_found') {
        await this.recordStopped(base, why);
      } else {
        this.logger.warn(
          `stop ${instance.id}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  /** Records that an instance no longer runs; one stopped for staying unhealthy failed. */
  private recordStopped(
    base: { service: string; app: string; instance: string; host?: string },
    why: InstanceStopReason,
  ): Promise<number> {
    return why === 'unhealthy'
      ? this.append(base.instance, 'any', 'InstanceFailed', {
          ...base,
          reason: unhealthyFailureReason,
          restarts: 0,
        })
      : this.append(base.instance, 'any', 'InstanceStopped', { ...base, reason: why });
  }

  private async startPlacedInstances(): Promise<void> {
    for (const instance of this.view.instances.values()) {
      if (instance.state !== 'placed' && instance.state !== 'starting') continue;
      const sent = this.startSent.get(instance.id);
      if (sent !== undefined && this.now() - sent < this.settings.resendMs) continue;
      const app = this.deployedAppOf(instance);
      if (!app || !instance.host || this.view.hosts.get(instance.host)?.down) continue;
      this.startSent.set(instance.id, this.now());
      const command = {
        commandId: `start-${instance.id}`,
        epoch: this.epochOf(instance),
        type: 'start',
        spec: instanceStartPayload(instance.service, instance.id, app),
      } as StartCommand;
      const ref = {
        service: instance.service,
        app: instance.app,
        instance: instance.id,
        host: instance.host,
      };
      try {
        await this.link.send(instance.host, command);
        if (instance.state === 'placed')
          await this.append(instance.id, 'any', 'InstanceStarting', { ...ref, layer: app.layer });
      } catch (error) {
        const refusal = FederaError.from(error);
        if (refusal.code === 'unavailable' || refusal.code === 'stale_epoch') {
          this.logger.warn(`start ${instance.id} on ${instance.host}: ${refusal.message}`);
        } else {
          await this.append(instance.id, 'any', 'InstanceFailed', {
            ...ref,
            reason: `start refused: ${refusal.message}`,
            restarts: 0,
          });
        }
      }
    }
  }

  /** Relocatable instances of a down host fail (and are replaced); the others stay, stranded and reported. */
  private async replaceInstancesOfDownHosts(): Promise<void> {
    let last = 0;
    for (const instance of this.view.instances.values()) {
      if (!isLive(instance) || !instance.host || !this.view.hosts.get(instance.host)?.down)
        continue;
      const app = this.deployedAppOf(instance);
      if (app?.placement.relocatable === false) continue;
      const data = {
        service: instance.service,
        app: instance.app,
        instance: instance.id,
        host: instance.host,
        reason: `host ${instance.host} down`,
        restarts: 0,
      };
      last = await this.append(instance.id, 'any', 'InstanceFailed', data);
    }
    if (last) await this.caughtUp(last);
  }

  /** An agent's view of one instance: its load feeds the autoscaler; its state, the log (leader only). */
  private async observe(observed: ObservedInstance): Promise<void> {
    const instance = this.view.instances.get(observed.instance);
    if (!instance) return;
    if (observed.load !== undefined && isLive(instance) && observed.state === 'healthy') {
      this.policy.record(`${instance.service}/${instance.app}`, observed.load, this.now());
    }
    if (!this.leader) return;
    const change = observedChange(instance, observed.host, observed.state, observed.detail);
    if (!change || this.inFlight.get(instance.id) === change.type) return;
    this.inFlight.set(instance.id, change.type);
    const ref = {
      service: instance.service,
      app: instance.app,
      instance: instance.id,
      host: observed.host,
    };
    const data =
      change.type === 'InstanceUnhealthy'
        ? { ...ref, reason: change.detail, consecutiveFailures: this.failureThreshold(instance) }
        : change.type === 'InstanceFailed'
          ? { ...ref, reason: change.detail, restarts: 0 }
          : change.type === 'InstanceStopped'
            ? { ...ref, reason: instance.reason ?? 'requested' }
            : ref;
    try {
      await this.append(instance.id, 'any', change.type, data);
    } catch (error) {
      this.inFlight.delete(instance.id);
      throw error;
    }
  }

  /** The agent calls an instance unhealthy only after this many failed probes in a row. */
  private failureThreshold(instance: InstanceView): number {
    return this.deployedAppOf(instance)?.health.failureThreshold ?? 1;
  }

  /** The deployed revision's definition of the instance's application, if its service still has one. */
  private deployedAppOf(instance: InstanceView): NormalisedApplication | undefined {
    return this.view
      .service(instance.service)
      .deployed?.applications.find((a) => a.name === instance.app);
  }

  private epochOf(instance: InstanceView): number {
    const host = instance.host ? this.view.hosts.get(instance.host) : undefined;
    return Math.max(host?.epoch ?? 0, this.view.placements.get(instance.id)?.hostEpoch ?? 0, 1);
  }

  private async append(
    instance: string,
    expected: 'any' | 'no-stream',
    type: string,
    data: object,
  ): Promise<number> {
    const metadata: EventMetadata = {
      correlationId: randomUUID(),
      actor: 'supervision',
      occurredAt: new Date(this.now()).toISOString(),
    };
    const event: NewEvent = { type, data, metadata };
    const result = await this.store.append(streamIds.instance(instance), expected, [event]);
    return result.lastPosition;
  }
}
