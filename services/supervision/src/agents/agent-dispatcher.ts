import {
  backupInstanceOf,
  ErrorCodes,
  FederaError,
  instanceStartPayload,
  streamIds,
  type DecisionMetadata,
  type AgentCommand,
  type InstanceStopReason,
  type RecordedEvent,
  type ServiceEndpoints,
  type StartCommand,
  type StopCommand,
} from '@federa/contracts';
import { isLive, type InstanceView } from '../domain/instance-view';
import { mayRestoreFrom } from '../domain/restore-source';
import type { BackupCatalog } from '../supervisor/backup-catalog';
import type { InstanceWriter } from '../supervisor/instance-writer';
import type { SupervisionView } from '../domain/supervision-view';
import { contextOfTraceparent, withContext } from '@federa/runtime/tracing';

/** How commands reach a host's agent: resolves on acceptance, throws FederaError on refusal or silence. */
export interface AgentCommandPort {
  send(host: string, command: AgentCommand): Promise<unknown>;
}

/** Where the dispatcher says what went wrong with an agent. */
export interface DispatchLog {
  warn(message: string): void;
}

/** @default graceMs 5000: how long an agent waits for an instance to exit before killing it. */
const stopGraceMs = 5000;

/** A command on its way to an agent, until its answer is recorded (or abandoned). */
interface InFlight {
  type: 'start' | 'stop';
  done: Promise<void>;
}

/** What a queued send resolves to when it no longer goes out. */
const notSent = Symbol('not sent');

/** An agent's answer to a send, or the dispatcher's word that nobody waits for it any more. */
type Answer = { accepted: true } | { accepted: false; error: unknown } | 'abandoned';

/**
 * Sends starts and stops to the agents, fenced with the host's epoch, and records what they mean for
 * the instance through the instance decider: InstanceStarting before a start goes out (so that a
 * concurrent stop knows one may have), InstanceStopRequested before a stop. A command unanswered for
 * `resendMs` is sent again under the same command id (agents execute each id once). An agent that
 * refuses a start fails the instance; one that does not know an instance it is asked to stop has
 * stopped it.
 *
 * Callers never wait on an agent: start and stop answer once the log says what goes out and the send
 * has gone; the answer is recorded when it comes. An agent the bus cannot reach holds back a request
 * timeout per send, and a caller deciding for a whole fleet must not wait that out. Each instance
 * has at most one send in flight: nothing is sent to it again until its answer came (a stop that
 * finds a start on its way goes out after it, so that the agent hears them in that order).
 */
export class AgentDispatcher {
  /** When a start or stop was last sent per instance, until the instance ends (for resends). */
  private readonly startSent = new Map<string, number>();
  private readonly stopSent = new Map<string, number>();
  private readonly inFlight = new Map<string, InFlight>();
  private closed = false;
  /** Grows each time the answers in flight are abandoned: sends queued before then do not go. */
  private era = 0;
  /** Ends the wait for each send in flight (one per send, so that none outlives its send). */
  private readonly abandoners = new Set<() => void>();

  constructor(
    private readonly view: SupervisionView,
    private readonly link: AgentCommandPort,
    private readonly writer: InstanceWriter,
    private readonly resendMs: number,
    private readonly log: DispatchLog,
    private readonly now: () => number = Date.now,
    /** The service's endpoints a start on a host carries (discovery), when known. */
    private readonly endpointsOf: (
      service: string,
      host: string,
    ) => ServiceEndpoints | undefined = () => undefined,
    /** Where a start that restores from a copy gets it delivered to its host's data bucket. */
    private readonly backups?: Pick<BackupCatalog, 'deliver'>,
  ) {}

  /**
   * Starts every placed instance (and resends to starting ones) of `ids`, or of the whole view;
   * answers once every InstanceStarting is recorded and its start sent, not answered.
   */
  async startPlaced(ids?: Iterable<string>): Promise<void> {
    const instances = ids
      ? [...ids].flatMap((id) => this.view.instances.get(id) ?? [])
      : [...this.view.instances.values()];
    // Every start is recorded and sent (or not) before this resolves (the reactor's stop() waits on
    // it, then on the answers in flight), even when one fails.
    const outcomes = await Promise.allSettled(instances.map((instance) => this.start(instance)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Records InstanceStarting, then sends the start without waiting for its answer; nothing when a
   * start went out less than `resendMs` ago or a send to the instance still waits for its answer.
   */
  async start(instance: InstanceView): Promise<void> {
    if (this.closed || this.inFlight.has(instance.id)) return;
    if (instance.state !== 'placed' && instance.state !== 'starting') return;
    const sent = this.startSent.get(instance.id);
    if (sent !== undefined && this.now() - sent < this.resendMs) return;
    const app = this.view.applicationOf(instance);
    const host = instance.host;
    if (!app || !host || this.view.hosts.get(host)?.down) return;
    this.startSent.set(instance.id, this.now());
    // Started for whoever had it placed (docs/security/audit.md).
    const cause = this.view.causedBy(streamIds.instance(instance.id));
    const outcome = await this.writer.decide(
      instance.id,
      { type: 'start', host, layer: app.layer },
      cause,
    );
    // Another writer won (stopped, failed, moved it): that start no longer goes out.
    if (outcome?.life.status !== 'starting' || outcome.life.host !== host) return;
    // A stop decided while this start was recorded went out first, or will: a start behind it
    // would run the instance the agent was just told to stop.
    if (this.stopping(instance.id)) return;
    const spec = instanceStartPayload(
      instance.service,
      instance.id,
      app,
      this.endpointsOf(instance.service, host),
    );
    // The log's generation of this placement: the agent refuses it once it took a newer one.
    if (outcome.life.generation !== undefined) spec.generation = outcome.life.generation;
    // The copy of a dead predecessor's data it starts from (the agent fills a new instance only).
    const restoreFrom = outcome.life.restoreFrom;
    if (restoreFrom) spec.restoreFrom = restoreFrom;
    const command = {
      commandId: `start-${instance.id}`,
      epoch: this.view.epochOf(instance),
      type: 'start',
      spec,
    } as StartCommand;
    const deliver = restoreFrom
      ? () => this.deliverCopy(instance.id, restoreFrom, host)
      : undefined;
    // The start goes out in the trace of what placed the instance (its agent's span joins it).
    withContext(contextOfTraceparent(cause.traceparent), () =>
      this.send(
        instance.id,
        host,
        command,
        async (answer) => {
          if (answer.accepted) return;
          const refusal = FederaError.from(answer.error);
          if (refusal.code === ErrorCodes.unavailable || refusal.code === 'stale_epoch') {
            this.log.warn(`start ${instance.id} on ${host}: ${refusal.message}`);
          } else {
            await this.writer.decide(instance.id, {
              type: 'fail',
              reason: `start refused: ${refusal.message}`,
              restarts: 0,
            });
          }
        },
        deliver,
      ),
    );
  }

  /**
   * Copies the data a start restores from into its host's bucket (its agent reads no other), from
   * the bucket of the host whose instance took the copy. A copy that cannot be made now answers
   * `unavailable` (the start is resent, and the copy resumes); one that does not exist lets the
   * start go: its agent refuses to start without it, which fails the instance as before. A key that
   * is not a copy of the instance it replaces (mayRestoreFrom) is refused, and the instance fails
   * without its start going: its host's agent would restore another instance's data.
   */
  private async deliverCopy(instance: string, key: string, host: string): Promise<void> {
    if (!mayRestoreFrom(this.view.instances, instance, key))
      throw new FederaError(
        ErrorCodes.forbidden,
        `${key} is not a copy of the instance ${instance} replaces: not restored from`,
      );
    const owner = backupInstanceOf(key);
    const from = owner ? this.view.instances.get(owner)?.host : undefined;
    if (!this.backups || !from || from === host) return;
    let delivered: 'copied' | 'missing';
    try {
      delivered = await this.backups.deliver(key, from, host);
    } catch (error) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `copying ${key} from ${from}'s data to ${host}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (delivered === 'missing')
      this.log.warn(`${key} is not in ${from}'s data: nothing to copy to ${host}`);
  }

  /**
   * Stops an instance: one that never ran, or whose host is down, is recorded stopped at once; any
   * other is recorded stopping and its agent asked to stop it, without waiting for the answer.
   * Answers the log position to wait for before deciding again, if anything was appended.
   */
  async stop(
    instance: InstanceView,
    why: InstanceStopReason,
    cause?: DecisionMetadata,
  ): Promise<number | undefined> {
    if (this.closed) return undefined;
    const sent = this.stopSent.get(instance.id);
    if (sent !== undefined && this.now() - sent < this.resendMs) return undefined;
    this.stopSent.set(instance.id, this.now());
    const host = instance.host;
    if (host && this.view.hosts.get(host)?.down) {
      return (
        await this.writer.decide(
          instance.id,
          { type: 'record-stopped', reason: 'host-down' },
          cause,
        )
      )?.position;
    }
    const outcome = await this.writer.decide(
      instance.id,
      { type: 'request-stop', reason: why },
      cause,
    );
    if (!host || outcome?.life.status !== 'stopping') return outcome?.position;
    const command = {
      commandId: `stop-${instance.id}`,
      epoch: this.view.epochOf(instance),
      type: 'stop',
      instance: instance.id,
      graceMs: stopGraceMs,
    } as StopCommand;
    // A stop already on its way says the same: this one would be a second in parallel.
    if (this.inFlight.get(instance.id)?.type === 'stop') return outcome.position;
    const reason = outcome.life.stopReason ?? why;
    this.send(instance.id, host, command, async (answer) => {
      if (answer.accepted) return;
      const { error } = answer;
      if (error instanceof FederaError && error.code === ErrorCodes.notFound) {
        await this.writer.decide(instance.id, { type: 'record-stopped', reason });
        return;
      }
      this.log.warn(
        `stop ${instance.id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return outcome.position;
  }

  /** Resolves once every send in flight now has been answered and its answer recorded. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0)
      await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /**
   * Sends nothing more and stops waiting for the answers still to come: those are not recorded (the
   * instance's next supervisor resends what is due). Resolves once the answers already come are
   * recorded, so that nothing is appended after it.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const abandon of this.abandoners) abandon();
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /**
   * Sends `command` behind the send in flight to the instance, if any, and records its answer with
   * `answered` when it comes, unless the dispatcher closed first. Errors are logged, never thrown.
   */
  private send(
    id: string,
    host: string,
    command: AgentCommand,
    answered: (answer: Exclude<Answer, 'abandoned'>) => Promise<void>,
    /** What must be done before the command goes (a restore's copy), as part of the send. */
    first?: () => Promise<void>,
  ): void {
    const before = this.inFlight.get(id)?.done;
    const era = this.era;
    const go = (): Promise<unknown> => {
      if (this.closed || era !== this.era) return Promise.reject(new Error('dispatcher closed'));
      // Queued behind a send, a start finds a stop decided meanwhile: it goes out no more.
      if (command.type === 'start' && this.stopping(id)) return Promise.resolve(notSent);
      return first
        ? first().then(() => this.link.send(host, command))
        : this.link.send(host, command);
    };
    let sending: Promise<unknown>;
    try {
      sending = before ? before.then(go) : go();
    } catch (error) {
      sending = Promise.reject(error);
    }
    let abandon!: () => void;
    const abandoned = new Promise<Answer>((resolve) => (abandon = () => resolve('abandoned')));
    this.abandoners.add(abandon);
    const answer: Promise<Answer> = Promise.race([
      sending.then(
        (sent): Answer => (sent === notSent ? 'abandoned' : { accepted: true }),
        (error: unknown): Answer => ({ accepted: false, error }),
      ),
      abandoned,
    ]);
    const done: Promise<void> = answer
      .then((a) => (a === 'abandoned' ? undefined : answered(a)))
      .catch((error) =>
        this.log.warn(
          `${command.type} ${id}: recording the agent's answer failed: ${String(error)}`,
        ),
      )
      .finally(() => {
        this.abandoners.delete(abandon);
        if (this.inFlight.get(id)?.done === done) this.inFlight.delete(id);
      });
    this.inFlight.set(id, { type: command.type === 'start' ? 'start' : 'stop', done });
  }

  /**
   * Stops waiting for the answers in flight, and sends nothing queued behind them: the leadership
   * was lost, and what they mean is the next leader's to record (it resends what is due).
   */
  abandonAnswers(): void {
    this.era += 1;
    for (const abandon of this.abandoners) abandon();
  }

  /** True when a stop of the instance was decided and not forgotten (the instance lives on). */
  private stopping(id: string): boolean {
    return this.stopSent.has(id) || this.inFlight.get(id)?.type === 'stop';
  }

  /** Forgets the sends to instances that these events ended: nothing will be resent to them. */
  forgetEnded(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      const id = (event.data as { instance?: unknown }).instance;
      if (typeof id !== 'string') continue;
      const instance = this.view.instances.get(id);
      if (instance && isLive(instance)) continue;
      this.startSent.delete(id);
      this.stopSent.delete(id);
    }
  }
}
