import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  InstanceSpec,
  InstanceUsage,
  LayerDriver,
  LayerInstanceStatus,
  LiveMigrationResult,
  ProbeResult,
} from '../layer-driver';
import type { SimLiveMigrations } from './sim-live-migrations';

interface SimInstance {
  spec: InstanceSpec;
  /** `starting`: awaiting a live migration's state (migrateIn), not running yet. */
  state: 'starting' | 'running' | 'stopped' | 'failed';
  startedAt: number;
  /** What the instance's data would be: its size and digest, never the bytes themselves. */
  data: { bytes: number; sha256: string };
}

/** Bytes of synthetic data a simulated instance exports (a few KiB: sim hosts stand for scale, not size). */
const SIM_EXPORT_BYTES = 4096;

/**
 * A layer simulated in memory, so that one process can stand in for thousands of hosts: instances
 * run at once, are always healthy, and report a load that drifts slowly and deterministically with
 * time (or the fixed `SIM_LOAD` of their env).
 */
export class SimLayer implements LayerDriver {
  readonly kind = 'sim' as const;
  private readonly instances = new Map<string, SimInstance>();
  /** Present when live moves are simulated: see the constructor. */
  readonly migrateIn?: (spec: InstanceSpec) => Promise<{ uri: string }>;
  readonly migrateOut?: (
    instance: string,
    target: { host: string; uri: string },
  ) => Promise<LiveMigrationResult>;

  /**
   * With `live`, instances move live between the layers sharing it (a replay standing in for qemu
   * hosts, whose moves placement makes live); without, this layer cannot live-migrate, as the
   * plain sim layer never does.
   */
  constructor(
    private readonly now: () => number = Date.now,
    live?: SimLiveMigrations,
  ) {
    if (live) {
      this.migrateIn = (spec) => this.receiveLive(spec, live);
      this.migrateOut = (instance, target) => this.sendLive(instance, target, live);
    }
  }

  async start(spec: InstanceSpec): Promise<LayerInstanceStatus> {
    const known = this.instances.get(spec.instance);
    if (known?.state === 'running') return this.status(spec.instance);
    this.instances.set(spec.instance, {
      spec,
      state: 'running',
      startedAt: this.now(),
      data: known?.data ?? { bytes: 0, sha256: '' },
    });
    return this.status(spec.instance);
  }

  async stop(instance: string): Promise<void> {
    const known = this.instances.get(instance);
    if (known) known.state = 'stopped';
  }

  async destroy(instance: string): Promise<void> {
    this.instances.delete(instance);
  }

  async status(instance: string): Promise<LayerInstanceStatus> {
    const known = this.instances.get(instance);
    if (!known) return { state: 'stopped', handle: {} };
    return { state: known.state, handle: { startedAt: known.startedAt } };
  }

  async probe(instance: string): Promise<ProbeResult> {
    const known = this.instances.get(instance);
    if (known?.state !== 'running') return { healthy: false, detail: 'not running' };
    return { healthy: true, load: this.loadOf(known) };
  }

  async usage(instance: string): Promise<InstanceUsage> {
    const known = this.instances.get(instance);
    if (known?.state !== 'running')
      return {
        cpuMillis: 0,
        memoryBytes: 0,
        storageBytes: 0,
        networkBytes: 0,
        networkInBytes: 0,
        networkOutBytes: 0,
      };
    const load = this.loadOf(known);
    const { resources } = known.spec;
    // Synthesised like a server's traffic: requests in, a larger share of answers out.
    const networkInBytes = Math.round((resources.bandwidthBps / 8) * load * 0.03);
    const networkOutBytes = Math.round((resources.bandwidthBps / 8) * load * 0.07);
    return {
      cpuMillis: Math.round(resources.cpuMillis * load),
      memoryBytes: Math.round(resources.memoryBytes * (0.5 + load / 2)),
      storageBytes: known.data.bytes,
      networkBytes: networkInBytes + networkOutBytes,
      networkInBytes,
      networkOutBytes,
    };
  }

  private async receiveLive(spec: InstanceSpec, live: SimLiveMigrations): Promise<{ uri: string }> {
    this.instances.set(spec.instance, {
      spec,
      state: 'starting',
      startedAt: 0,
      data: { bytes: 0, sha256: '' },
    });
    const uri = live.await(spec.instance, ({ data }) => {
      const known = this.instances.get(spec.instance);
      // Stopped or destroyed meanwhile: the move arrives to nothing, and the sender keeps it.
      if (known?.state !== 'starting') return false;
      known.state = 'running';
      known.startedAt = this.now();
      known.data = { ...data };
      return true;
    });
    return { uri };
  }

  private async sendLive(
    instance: string,
    target: { host: string; uri: string },
    live: SimLiveMigrations,
  ): Promise<LiveMigrationResult> {
    const known = this.instances.get(instance);
    if (known?.state !== 'running') throw new Error(`sim instance ${instance} is not running`);
    if (!live.deliver(target.uri, { data: known.data }))
      throw new Error(`no simulated host awaits ${instance} at ${target.uri} (${target.host})`);
    // Moved: it runs there now, and no longer here.
    this.instances.delete(instance);
    return { totalMs: 0, downtimeMs: 0 };
  }

  /** Simulated instances die with their process: nothing survives to adopt. */
  async adopt(spec: InstanceSpec): Promise<boolean> {
    this.instances.set(spec.instance, {
      spec,
      state: 'stopped',
      startedAt: 0,
      data: { bytes: 0, sha256: '' },
    });
    return false;
  }

  async exportData(instance: string): Promise<Readable> {
    if (!this.instances.has(instance)) throw new Error(`sim instance ${instance} is unknown`);
    const block = Buffer.alloc(SIM_EXPORT_BYTES, instance);
    return Readable.from([block]);
  }

  async importData(spec: InstanceSpec, data: Readable): Promise<void> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of data) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    const known = this.instances.get(spec.instance);
    const imported = { bytes, sha256: hash.digest('hex') };
    if (known) known.data = imported;
    else
      this.instances.set(spec.instance, { spec, state: 'stopped', startedAt: 0, data: imported });
  }

  /**
   * Marks one running instance of `service`/`app` failed, as if its workload died (a replay
   * re-enacting a recorded failure: ids differ, so any one of that application); answers its id,
   * or undefined when none runs here.
   */
  failOneOf(service: string, app: string): string | undefined {
    for (const [id, known] of this.instances)
      if (known.state === 'running' && known.spec.service === service && known.spec.app === app) {
        known.state = 'failed';
        return id;
      }
    return undefined;
  }

  /** Marks every instance failed: what a simulated host's crash does to its workloads. */
  failAll(): void {
    for (const known of this.instances.values())
      if (known.state === 'running') known.state = 'failed';
  }

  private loadOf(known: SimInstance): number {
    const fixed = Number(known.spec.env?.SIM_LOAD);
    if (known.spec.env?.SIM_LOAD !== undefined && Number.isFinite(fixed))
      return Math.min(1, Math.max(0, fixed));
    const phase = ((this.now() - known.startedAt) / 60_000) * Math.PI;
    return Math.round((0.5 + 0.4 * Math.sin(phase)) * 1000) / 1000;
  }
}
