import { nextHealth } from '../domain/health-tracker';
import { isLive } from '../domain/instance-states';
import { isWatched, judgeStatus, stateAfterHealth } from '../domain/instance-observation';
import { startupProbeDelayMs } from '../domain/startup-probe-cadence';
import type { InstanceUsage, LayerDriver, LayerKind, ProbeResult } from '../layers/layer-driver';
import { probeInstance } from '../work/probe-instance';
import type { InstanceEntry, InstanceTable } from './instance-table';

/** Runs `run` once after `delayMs`, unless the answered function is called first. */
export type Schedule = (run: () => void, delayMs: number) => () => void;

export interface InstanceWatchOptions {
  /** Probe interval of instances whose spec names none. */
  heartbeatMs: number;
  now: () => number;
  /** The timers of startup probes. */
  schedule: Schedule;
}

/** Failures in a row that make a healthy instance unhealthy, when its spec names none. */
const DEFAULT_FAILURE_THRESHOLD = 3;

/** The startup probes planned for one instance. */
interface StartupProbes {
  entry: InstanceEntry;
  cancel: () => void;
}

/**
 * Watches what runs here, one round at a time: exits (from the layer's status), health (a probe at
 * each instance's interval, folded so that one slow answer does not flap it), load and usage.
 * Instances a command is working on are left alone: the command owns their state meanwhile.
 *
 * An instance that has never answered healthy is also probed on its own timer, often at first (see
 * startupProbeDelayMs), so that it is reported healthy soon after it listens, not up to an interval
 * later. Only their healthy answers count: its failures are folded at the normal interval alone, so
 * the startup allowance lasts as long as it always did. They read no layer status (a `virsh` call, a
 * QMP round trip): that stays on the rounds.
 */
export class InstanceWatch {
  private watching = false;
  private stopped = false;
  private readonly startups = new Map<string, StartupProbes>();

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

  /**
   * A command on `instance` ended: its startup probes start afresh if it now runs without having
   * been healthy yet (a start, a restart), and stop otherwise.
   */
  commandEnded(instance: string): void {
    this.cancelStartup(instance);
    const entry = this.table.get(instance);
    // Still marked busy while its outcome is reported; the probe looks again when it fires.
    if (entry && !this.stopped && this.neverHealthy(entry)) this.planProbe(entry, 0);
  }

  /** Cancels every startup probe and plans none any more (the agent stops). */
  stop(): void {
    this.stopped = true;
    for (const instance of [...this.startups.keys()]) this.cancelStartup(instance);
  }

  private async check(entry: InstanceEntry): Promise<void> {
    if (entry.busy || !isWatched(entry.state)) {
      this.cancelStartup(entry.spec.instance);
      return;
    }
    const layer = this.layers.get(entry.layer);
    if (!layer) return;
    try {
      const status = await layer.status(entry.spec.instance);
      if (entry.busy) return;
      const verdict = judgeStatus(entry.state, status.state);
      if (verdict.kind === 'ended') {
        this.cancelStartup(entry.spec.instance);
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
      this.planStartup(entry);
      await this.probeWhenDue(entry, layer);
    } catch {
      // A failing status read is retried next round; only a layer's answer changes the state.
    }
  }

  private async probeWhenDue(entry: InstanceEntry, layer: LayerDriver): Promise<void> {
    const now = this.options.now();
    if (now < entry.nextProbeAt) return;
    entry.nextProbeAt = now + this.intervalOf(entry);
    const [probe, usage] = await Promise.all([
      probeInstance(layer, entry.spec.instance),
      layer.usage(entry.spec.instance).catch(() => undefined),
    ]);
    if (entry.busy || !isLive(entry.state)) return;
    // Usage is part of what a heartbeat says: encoders that cache the instances' part must see it.
    if (!sameUsage(entry.usage, usage)) this.table.touch();
    entry.usage = usage;
    await this.fold(entry, probe);
  }

  private async fold(entry: InstanceEntry, probe: ProbeResult): Promise<void> {
    if (probe.load !== entry.load) this.table.touch();
    entry.load = probe.load;
    entry.health = nextHealth(
      entry.health,
      probe.healthy,
      entry.spec.health?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
    );
    if (entry.health.healthy !== undefined) this.cancelStartup(entry.spec.instance);
    const becomes = stateAfterHealth(entry.state, entry.health);
    if (becomes)
      await this.table.setState(entry, becomes, becomes === 'unhealthy' ? probe.detail : undefined);
  }

  /** Plans the first startup probe of an instance still waiting for its first healthy answer. */
  private planStartup(entry: InstanceEntry): void {
    if (this.stopped || !this.awaitsFirstHealthy(entry)) return;
    // Rounds ask again and again; a plan under way goes on from where it is.
    if (!this.startups.has(entry.spec.instance)) this.planProbe(entry, 0);
  }

  private planProbe(entry: InstanceEntry, attempt: number): void {
    const instance = entry.spec.instance;
    const delay = startupProbeDelayMs(attempt, this.intervalOf(entry));
    if (delay === undefined) {
      this.startups.delete(instance);
      return;
    }
    const plan: StartupProbes = { entry, cancel: () => undefined };
    plan.cancel = this.options.schedule(() => void this.startupProbe(plan, attempt), delay);
    this.startups.set(instance, plan);
  }

  private async startupProbe(plan: StartupProbes, attempt: number): Promise<void> {
    const { entry } = plan;
    const instance = entry.spec.instance;
    const layer = this.layers.get(entry.layer);
    // A command working on the instance owns it now; its end plans afresh.
    if (!layer || !this.awaitsFirstHealthy(entry)) {
      if (this.startups.get(instance) === plan) this.startups.delete(instance);
      return;
    }
    const probe = await probeInstance(layer, instance);
    // Cancelled meanwhile (a command, a stop, a healthy answer from a round): nothing more to do.
    if (this.stopped || this.startups.get(instance) !== plan) return;
    if (!this.awaitsFirstHealthy(entry)) {
      this.startups.delete(instance);
      return;
    }
    // Only the answer that ends the start counts: failures wait for the normal interval. The next
    // probe is planned from this answer, so that slow answers never pile up.
    if (!probe.healthy) return this.planProbe(entry, attempt + 1);
    this.startups.delete(instance);
    entry.nextProbeAt = this.options.now() + this.intervalOf(entry);
    await this.fold(entry, probe).catch(() => undefined);
  }

  private awaitsFirstHealthy(entry: InstanceEntry): boolean {
    return !entry.busy && this.neverHealthy(entry);
  }

  private neverHealthy(entry: InstanceEntry): boolean {
    return (
      isLive(entry.state) &&
      entry.health.healthy === undefined &&
      this.table.get(entry.spec.instance) === entry
    );
  }

  private cancelStartup(instance: string): void {
    this.startups.get(instance)?.cancel();
    this.startups.delete(instance);
  }

  private intervalOf(entry: InstanceEntry): number {
    return entry.spec.health?.intervalMs ?? this.options.heartbeatMs;
  }
}

function sameUsage(a: InstanceUsage | undefined, b: InstanceUsage | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.cpuMillis === b.cpuMillis &&
    a.memoryBytes === b.memoryBytes &&
    a.storageBytes === b.storageBytes &&
    a.networkBytes === b.networkBytes &&
    a.networkInBytes === b.networkInBytes &&
    a.networkOutBytes === b.networkOutBytes
  );
}
