import { nextHealth } from '../domain/health-tracker';
import { isLive } from '../domain/instance-states';
import { isWatched, judgeStatus, stateAfterHealth } from '../domain/instance-observation';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { probeInstance } from '../work/probe-instance';
import type { InstanceEntry, InstanceTable } from './instance-table';

export interface InstanceWatchOptions {
  /** Probe interval of instances whose spec names none. */
  heartbeatMs: number;
  now: () => number;
}

/** Failures in a row that make a healthy instance unhealthy, when its spec names none. */
const DEFAULT_FAILURE_THRESHOLD = 3;

/**
 * Watches what runs here, one round at a time: exits (from the layer's status), health (a probe at
 * each instance's interval, folded so that one slow answer does not flap it), load and usage.
 * Instances a command is working on are left alone: the command owns their state meanwhile.
 */
export class InstanceWatch {
  private watching = false;

  constructor(
    private readonly table: InstanceTable,
    private readonly layers: ReadonlyMap<LayerKind, LayerDriver>,
    private readonly options: InstanceWatchOptions,
  ) {}

  /** Checks every watched instance once. Never overlaps itself: a round still going skips this one. */
  async round(): Promise<void> {
    if (this.watching || this.table.size === 0) return;
    this.watching = true;
    try {
      await Promise.all(this.table.all().map((entry) => this.check(entry)));
    } finally {
      this.watching = false;
    }
  }

  private async check(entry: InstanceEntry): Promise<void> {
    if (entry.busy || !isWatched(entry.state)) return;
    const layer = this.layers.get(entry.layer);
    if (!layer) return;
    try {
      const status = await layer.status(entry.spec.instance);
      if (entry.busy) return;
      const verdict = judgeStatus(entry.state, status.state);
      if (verdict.kind === 'ended') {
        if (verdict.becomes)
          await this.table.setState(
            entry,
            verdict.becomes,
            status.detail ?? `layer says ${status.state}`,
          );
        return;
      }
      if (verdict.becomes) {
        entry.handle = status.handle;
        await this.table.setState(entry, verdict.becomes);
      }
      await this.probeWhenDue(entry, layer);
    } catch {
      // A failing status read is retried next round; only a layer's answer changes the state.
    }
  }

  private async probeWhenDue(entry: InstanceEntry, layer: LayerDriver): Promise<void> {
    const now = this.options.now();
    if (now < entry.nextProbeAt) return;
    entry.nextProbeAt = now + (entry.spec.health?.intervalMs ?? this.options.heartbeatMs);
    const [probe, usage] = await Promise.all([
      probeInstance(layer, entry.spec.instance),
      layer.usage(entry.spec.instance).catch(() => undefined),
    ]);
    if (entry.busy || !isLive(entry.state)) return;
    if (probe.load !== entry.load) this.table.touch();
    entry.load = probe.load;
    entry.usage = usage;
    entry.health = nextHealth(
      entry.health,
      probe.healthy,
      entry.spec.health?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    );
    const becomes = stateAfterHealth(entry.state, entry.health);
    if (becomes)
      await this.table.setState(entry, becomes, becomes === 'unhealthy' ? probe.detail : undefined);
  }
}
