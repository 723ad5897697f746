import { randomUUID } from 'node:crypto';
import { observationMetadata, streamIds, cleanAgentText } from '@federa/contracts';
import { isLive, type InstanceLife } from '@federa/instance-lifecycle';
import { isLive as isLiveView } from '../domain/instance-view';
import { judgeObservation, type ObservationVerdict } from '../domain/observation-verdict';
import type { InstanceWriter } from '../supervisor/instance-writer';
import type { SupervisionView } from '../domain/supervision-view';
import type { ObservedInstance } from '../infrastructure/agent-link';
import type { CopyFencer } from './copy-fencer';
import type { StaleEpochLog } from './stale-epoch-log';

/** Where the load of healthy instances goes (the autoscaler's window). */
export interface LoadSink {
  record(app: string, load: number, now: number): void;
}

/** Reads one instance's stream from the log itself: undefined when there is none. */
export type LifeReader = (instance: string) => Promise<InstanceLife | undefined>;

/** What the recorder fences with; absent in a recorder that only records (a standby's specs). */
export interface Fencing {
  fencer: CopyFencer;
  stale: StaleEpochLog;
  readLife: LifeReader;
  /**
   * False while the view catches up on the log (start, replay): an instance may then be unknown or
   * stand halfway through its stream (requested, not yet placed), so nothing is fenced on its word,
   * and a stream read for each in every heartbeat would flood the database.
   */
  viewCaughtUp: () => boolean;
}

/** Heartbeats name their interval; a report's copy is fenced at most this often. */
const defaultFenceEveryMs = 1000;

/**
 * Turns what agents say of their instances into the log, after judging each word against it
 * (judgeObservation): a copy the log places there is adopted (its load feeds the autoscaler on every
 * replica; the leader hands its state to the instance decider, which records a change or nothing);
 * a copy the log has ended, moved or never had is fenced (the leader tells its agent to stop it, and
 * the instance's stream is left as it is); a message from a superseded agent run is dropped.
 */
export class ObservationRecorder {
  constructor(
    private readonly view: SupervisionView,
    private readonly writer: InstanceWriter,
    private readonly load: LoadSink,
    private readonly isLeader: () => boolean,
    private readonly now: () => number = Date.now,
    private readonly fencing?: Fencing,
  ) {}

  async record(observed: ObservedInstance): Promise<void> {
    const host = this.view.hosts.get(observed.host);
    const hostEpoch = host && host.epoch > 0 ? host.epoch : undefined;
    const known = { hostEpoch, hostDown: host?.down === true };
    const held = {
      host: observed.host,
      instance: observed.instance,
      state: observed.state,
      epoch: observed.epoch,
    };
    const life = this.view.lives.get(observed.instance)?.life;
    let verdict = judgeObservation(held, {
      life,
      ...known,
      ...(life && !isLive(life.status)
        ? { replacements: this.replacementsOf(life, observed.host) }
        : {}),
    });
    if (verdict.kind === 'ignore') {
      if (verdict.why === 'stale-epoch')
        this.fencing?.stale.dropped(observed.host, observed.epoch, hostEpoch ?? 0);
      return;
    }
    if (verdict.kind === 'adopt') return this.adopt(observed);
    // The leader flag is the last tick's: a replay may have begun since, so the view is asked too.
    if (!this.isLeader() || !this.fencing || !this.fencing.viewCaughtUp()) return;
    const everyMs = observed.intervalMs ?? defaultFenceEveryMs;
    const { fencer } = this.fencing;
    if (verdict.kind === 'read-log') {
      if (fencer.recentlyFenced(observed.host, observed.instance, everyMs)) return;
      fencer.touch(observed.host, observed.instance);
      const life = await this.fencing.readLife(observed.instance);
      verdict = judgeObservation(held, { life, ...known, readFromLog: true });
      if (verdict.kind === 'adopt') return this.adopt(observed);
      if (verdict.kind !== 'fence') return;
      // The read counted as this interval's turn: the stop goes out now all the same.
      return this.fenceNow(observed, verdict, 0);
    }
    return this.fenceNow(observed, verdict, everyMs);
  }

  /** Stops the copy under the epoch of the agent run that reported it (judged current above). */
  private fenceNow(
    observed: ObservedInstance,
    verdict: Extract<ObservationVerdict, { kind: 'fence' }>,
    everyMs: number,
  ): Promise<void> {
    const { fencer } = this.fencing as Fencing;
    return fencer.fence({
      host: observed.host,
      instance: observed.instance,
      epoch: observed.epoch,
      reason: verdict.reason,
      everyMs,
    });
  }

  /** The live instances of the ended instance's application on other hosts (at most three named). */
  private replacementsOf(life: InstanceLife, host: string): string[] {
    const ids: string[] = [];
    for (const i of this.view.instances.values()) {
      if (i.service !== life.service || i.app !== life.app || i.host === host) continue;
      if (i.id !== life.instance && isLiveView(i)) ids.push(i.id);
      if (ids.length === 3) break;
    }
    return ids;
  }

  private async adopt(observed: ObservedInstance): Promise<void> {
    const instance = this.view.instances.get(observed.instance);
    if (!instance) return;
    if (observed.load !== undefined && isLiveView(instance) && observed.state === 'healthy') {
      this.load.record(`${instance.service}/${instance.app}`, observed.load, this.now());
    }
    if (!this.isLeader()) return;
    await this.writer.decide(
      instance.id,
      {
        type: 'observe',
        host: observed.host,
        state: observed.state,
        // Cleaned where agents' words enter too: a caller other than the link may hand a raw one.
        ...(observed.detail !== undefined ? { detail: cleanAgentText(observed.detail) } : {}),
        // The agent calls an instance unhealthy only after this many failed probes in a row.
        failureThreshold: this.view.applicationOf(instance)?.health.failureThreshold ?? 1,
        ...(observed.endpoint ? { endpoint: observed.endpoint } : {}),
      },
      // An agent's observation is the agent's, whoever had the instance started.
      observationMetadata(
        observed.host,
        'supervision',
        this.view.lastEvents.get(streamIds.instance(instance.id))?.metadata.correlationId ??
          randomUUID(),
      ),
    );
  }
}
