import { isLive } from '../domain/instance-view';
import type { InstanceWriter } from '../supervisor/instance-writer';
import type { SupervisionView } from '../domain/supervision-view';
import type { ObservedInstance } from '../infrastructure/agent-link';

/** Where the load of healthy instances goes (the autoscaler's window). */
export interface LoadSink {
  record(app: string, load: number, now: number): void;
}

/**
 * Turns what agents say of their instances into the log: every replica feeds the autoscaler with
 * the load of healthy instances; the leader hands each observed state to the instance decider
 * (`observe`), which records a change (running, healthy, unhealthy, stopped, failed, back from lost)
 * or nothing (same state, a stale agent, a dead or migrating instance).
 */
export class ObservationRecorder {
  constructor(
    private readonly view: SupervisionView,
    private readonly writer: InstanceWriter,
    private readonly load: LoadSink,
    private readonly isLeader: () => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async record(observed: ObservedInstance): Promise<void> {
    const instance = this.view.instances.get(observed.instance);
    if (!instance) return;
    if (observed.load !== undefined && isLive(instance) && observed.state === 'healthy') {
      this.load.record(`${instance.service}/${instance.app}`, observed.load, this.now());
    }
    if (!this.isLeader()) return;
    await this.writer.decide(instance.id, {
      type: 'observe',
      host: observed.host,
      state: observed.state,
      ...(observed.detail !== undefined ? { detail: observed.detail } : {}),
      // The agent calls an instance unhealthy only after this many failed probes in a row.
      failureThreshold: this.view.applicationOf(instance)?.health.failureThreshold ?? 1,
    });
  }
}
