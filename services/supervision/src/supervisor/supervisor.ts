import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { commandMetadata, streamIds, type CommandOrigin } from '@federa/contracts';
import { LogSubscription, type EventStore, type PostgresLeaderLease } from '@federa/eventstore';
import {
  evolveInstanceLife,
  initialInstanceLife,
  isInstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import { AgentDispatcher } from '../agents/agent-dispatcher';
import { CopyFencer } from '../agents/copy-fencer';
import { StaleEpochLog } from '../agents/stale-epoch-log';
import type { AgentLink } from '../infrastructure/agent-link';
import { ObservationRecorder } from '../agents/observation-recorder';
import { AutoscalingPolicy } from '../domain/autoscaling-policy';
import type { ServiceCommand } from '../domain/service-decider';
import type { SupervisionSettings } from '../supervision-config';
import type { SupervisionView } from '../domain/supervision-view';
import { EndpointsPublisher, type DiscoveryBucket } from '../discovery/endpoints-publisher';
import { ServiceProbeRunner } from '../service-probe/service-probe-runner';
import type { BackupCatalog } from './backup-catalog';
import { CaughtUpWaiters } from './caught-up-waiters';
import { InstanceWriter } from './instance-writer';
import { LostInstanceWords } from './lost-instance-words';
import { ServiceWriter, type ServiceOutcome } from './service-writer';
import { SupervisionReactor } from './supervision-reactor';

/**
 * Supervision's active part, wired: the view follows the log; after each page it applies, waiters
 * are released, sends to ended instances forgotten and the reactor told. Agents' observations go to
 * the recorder; the reactor decides (leader only) and the dispatcher talks to agents. Every append
 * to an instance stream goes through one InstanceWriter, on the instance decider.
 */
export class Supervisor {
  private readonly logger = new Logger('Supervisor');
  private subscription: LogSubscription | undefined;
  private readonly waiters: CaughtUpWaiters;
  private readonly services: ServiceWriter;
  private readonly dispatcher: AgentDispatcher;
  private readonly recorder: ObservationRecorder;
  private readonly fencer: CopyFencer;
  private readonly reactor: SupervisionReactor;
  private readonly lostWords: LostInstanceWords;
  /** The leader's end-to-end service probes (spec.serviceProbe). */
  private readonly probes: ServiceProbeRunner;
  /** Writes the services' endpoints to the discovery bucket, when there is one to write to. */
  private readonly publisher: EndpointsPublisher | undefined;
  /** Observations being turned into events, waited on by stop(). */
  private readonly recording = new Set<Promise<void>>();
  /**
   * Set while the view replays the log after a failed page, until it has caught up: a view halfway
   * through the log must not decide anything (it would request what already runs), so the reactor
   * neither leads nor hears of the replayed pages meanwhile.
   */
  private replaying = false;
  /** The view reached the log's head once since start or the last replay: an unknown instance is news. */
  private reachedHead = false;

  /**
   * The view holds the whole log: before, an instance may stand halfway through its stream (requested,
   * not yet placed) and a service short of its instances, so neither fencing nor the reactor acts.
   */
  private get viewCaughtUp(): boolean {
    return this.reachedHead && !this.replaying;
  }

  constructor(
    private readonly store: EventStore,
    private readonly view: SupervisionView,
    private readonly link: AgentLink,
    private readonly lease: PostgresLeaderLease,
    settings: SupervisionSettings,
    now: () => number = Date.now,
    discovery?: DiscoveryBucket,
    backups?: BackupCatalog,
  ) {
    const policy = new AutoscalingPolicy(settings.scalingWindowMs);
    const instances = new InstanceWriter(store, view, this.logger, now);
    this.waiters = new CaughtUpWaiters(view);
    this.services = new ServiceWriter(store, this.waiters);
    this.publisher = discovery
      ? new EndpointsPublisher(
          view,
          discovery,
          () => this.reactor.isLeader && !this.replaying,
          settings,
          new Logger('EndpointsPublisher'),
          now,
        )
      : undefined;
    this.dispatcher = new AgentDispatcher(
      view,
      link,
      instances,
      settings.resendMs,
      this.logger,
      now,
      (service, host) => this.publisher?.current(service, host),
      backups,
    );
    this.probes = new ServiceProbeRunner({
      view,
      link,
      isLeader: () => this.reactor.isLeader,
      changed: (service) => this.reactor.serviceProbeChanged(service),
      warn: (message) => this.logger.warn(message),
      now,
    });
    this.lostWords = new LostInstanceWords(view, now);
    this.reactor = new SupervisionReactor(
      view,
      // A view short of the log's head would request what already runs: no leading until caught up.
      { holds: () => (this.viewCaughtUp ? lease.holds() : Promise.resolve(false)) },
      this.dispatcher,
      instances,
      this.services,
      this.waiters,
      policy,
      settings,
      this.logger,
      now,
      (name, state) => this.probes.standingOf(name, state),
      backups,
      this.lostWords,
    );
    this.fencer = new CopyFencer(link, this.logger, now);
    this.recorder = new ObservationRecorder(
      view,
      instances,
      policy,
      () => this.reactor.isLeader,
      now,
      {
        fencer: this.fencer,
        stale: new StaleEpochLog((line) => this.logger.warn(line), 30_000, now),
        readLife: (instance) => this.readLife(instance),
        viewCaughtUp: () => this.viewCaughtUp,
      },
    );
    view.onApplied((events) => {
      this.dispatcher.forgetEnded(events);
      this.lostWords.forgetFound();
      this.waiters.check();
      if (this.viewCaughtUp) {
        this.reactor.applied(events);
        this.publisher?.applied(events);
      }
    });
  }

  start(): void {
    this.subscription = new LogSubscription(this.store, async (events) => this.view.apply(events), {
      pollMs: 50,
      onCaughtUp: () => {
        this.replaying = false;
        this.reachedHead = true;
      },
      onError: (error) =>
        this.logger.error(
          `applying the log failed, replaying it into an empty view: ${String(error)}`,
        ),
      // The view lives in memory: the one checkpoint it durably knows is the start of the log.
      recover: () => {
        this.replaying = true;
        this.reachedHead = false;
        this.view.reset();
        return null;
      },
      onReadRetry: (error, attempt) => {
        // Once when the log becomes unreadable, then now and then while it stays so.
        if (attempt === 1 || attempt % 20 === 0)
          this.logger.warn(`reading the log failed (${attempt}×), retrying: ${String(error)}`);
      },
    });
    this.link.listen((observed) => {
      this.lostWords.note(observed);
      const recording = this.recorder
        .record(observed)
        .catch((e) => this.logger.warn(String(e)))
        .finally(() => this.recording.delete(recording));
      this.recording.add(recording);
    });
    this.reactor.start();
    this.probes.start();
    this.publisher?.start();
  }

  /**
   * The connection to NATS came back: the discovery bucket is read and repaired again, and the
   * reactor gives agents their full time to report again.
   */
  reconnected(): void {
    this.reactor.busReconnected();
    this.publisher?.reconnected();
  }

  /** Why the supervisor does not follow the log now (for the service's readiness), or undefined. */
  get problem(): string | undefined {
    if (!this.subscription) return 'not started';
    if (this.replaying) return 'replaying the log after a failure';
    return this.subscription.problem;
  }

  async stop(): Promise<void> {
    await this.publisher?.stop();
    await this.probes.stop();
    await this.reactor.stop();
    this.link.close();
    // Observations being recorded finish before the lease goes: nothing is appended after stop.
    await Promise.all(this.recording);
    await this.subscription?.stop();
    await this.lease.release();
  }

  /** Fenced stops sent to agents so far (copies the log did not want where they ran). */
  get fencedStops(): number {
    return this.fencer.sent;
  }

  /** One instance's stream folded straight from the log (the view may not have reached it yet). */
  private async readLife(instance: string): Promise<InstanceLife | undefined> {
    const { events } = await this.store.readStream(streamIds.instance(instance));
    if (events.length === 0) return undefined;
    let life = initialInstanceLife();
    for (const event of events) {
      const lifeEvent = { type: event.type, data: event.data };
      if (isInstanceEvent(lifeEvent)) life = evolveInstanceLife(life, lifeEvent);
    }
    return life;
  }

  /** Resolves once the view has applied the log up to `position` (read-your-writes for commands). */
  caughtUp(position: number, timeoutMs = 5000): Promise<void> {
    return this.waiters.caughtUp(position, timeoutMs);
  }

  /**
   * Runs a command on a service stream and waits until the view shows its outcome; answers the new
   * state and the log position of the last event appended, if any.
   */
  command(name: string, command: ServiceCommand, origin?: CommandOrigin): Promise<ServiceOutcome> {
    return this.services.command(
      name,
      command,
      commandMetadata(origin, 'supervision', randomUUID()),
    );
  }
}
