import { Readable } from 'node:stream';
import type {
  FoundWorkload,
  InstanceSpec,
  InstanceUsage,
  LayerDriver,
  LayerInstanceState,
  LayerInstanceStatus,
  LiveMigrationResult,
  ProbeResult,
} from '../layers/layer-driver';

export interface FakeLayerOptions {
  /** Whether the layer offers live migration (out and in). @default false */
  migrates?: boolean;
  /** What the layer finds wrong with an artifact. @default nothing */
  artifactErrors?: (artifact: Record<string, unknown>) => Array<{ path: string; reason: string }>;
}

type FailingMethod =
  | 'start'
  | 'stop'
  | 'destroy'
  | 'status'
  | 'probe'
  | 'exportData'
  | 'importData'
  | 'migrateOut'
  | 'migrateIn'
  | 'resume';

/**
 * A process layer in memory whose instances tests drive by hand: they run once started, until a
 * test says they failed; probes answer what the test set; a method can be made to fail once.
 */
export class FakeLayer implements LayerDriver {
  readonly kind = 'process' as const;
  /** Every call, as `method instance` (what the layer was asked to do, in order). */
  readonly calls: string[] = [];
  /** What the layer runs, by instance. */
  readonly states = new Map<string, LayerInstanceState>();
  /** Probe answers by instance (healthy when not set). */
  readonly healthy = new Map<string, boolean>();
  /** Instances still alive after an agent restart: adopt answers true for them. */
  readonly survivors = new Set<string>();
  /**
   * Workloads running on the host whatever the table says (findWorkloads answers them; adopt
   * answers true for their handles); stopFound takes them out.
   */
  readonly running: FoundWorkload[] = [];
  /** The data each instance holds. */
  readonly data = new Map<string, Buffer>();
  readonly migrateOut?: LayerDriver['migrateOut'];
  readonly migrateIn?: LayerDriver['migrateIn'];
  /** What a start answers: a VM layer may answer `starting` (QEMU in prelaunch). */
  startsAs: LayerInstanceState = 'running';
  private readonly failures = new Map<FailingMethod, string>();
  private statusGate: Promise<void> | undefined;
  private startGate: Promise<void> | undefined;

  constructor(private readonly options: FakeLayerOptions = {}) {
    if (options.migrates) {
      this.migrateOut = async (instance): Promise<LiveMigrationResult> => {
        this.call('migrateOut', instance);
        this.states.delete(instance);
        return { totalMs: 1200, downtimeMs: 40 };
      };
      this.migrateIn = async (spec): Promise<{ uri: string }> => {
        this.call('migrateIn', spec.instance);
        return { uri: `tcp:127.0.0.1:4444/${spec.instance}` };
      };
    }
  }

  /** The next call of `method` throws an error with `message`. */
  failNext(method: FailingMethod, message: string): void {
    this.failures.set(method, message);
  }

  /** Status reads wait until the answered function is called (a layer slow to answer). */
  holdStatus(): () => void {
    let release!: () => void;
    this.statusGate = new Promise((resolve) => (release = resolve));
    return () => {
      this.statusGate = undefined;
      release();
    };
  }

  /** Starts wait until the answered function is called (a slow boot). */
  holdStarts(): () => void {
    let release!: () => void;
    this.startGate = new Promise((resolve) => (release = resolve));
    return () => {
      this.startGate = undefined;
      release();
    };
  }

  /** The instance's layer pauses it (a live migration's source after it sent the guest). */
  pause(instance: string): void {
    this.states.set(instance, 'paused');
  }

  async resume(instance: string): Promise<void> {
    this.call('resume', instance);
    this.states.set(instance, 'running');
  }

  /** The instance ends behind the agent's back. */
  crash(instance: string): void {
    this.states.set(instance, 'failed');
  }

  /** How often the layer was asked to do `method` (on `instance`, if given). */
  count(method: string, instance?: string): number {
    const asked = instance ? `${method} ${instance}` : method;
    return this.calls.filter((call) => call === asked || call.startsWith(`${asked} `)).length;
  }

  validateArtifact(artifact: Record<string, unknown>): Array<{ path: string; reason: string }> {
    return this.options.artifactErrors?.(artifact) ?? [];
  }

  async start(spec: InstanceSpec): Promise<LayerInstanceStatus> {
    this.call('start', spec.instance);
    await this.startGate;
    this.states.set(spec.instance, this.startsAs);
    return { state: this.startsAs, handle: { pid: 4242 } };
  }

  async stop(instance: string, options?: { graceMs?: number }): Promise<void> {
    this.call('stop', instance, options?.graceMs);
    this.states.set(instance, 'stopped');
  }

  async destroy(instance: string): Promise<void> {
    this.call('destroy', instance);
    this.states.delete(instance);
    this.data.delete(instance);
  }

  async status(instance: string): Promise<LayerInstanceStatus> {
    this.call('status', instance);
    await this.statusGate;
    return { state: this.states.get(instance) ?? 'stopped', handle: { pid: 4242 } };
  }

  async probe(instance: string): Promise<ProbeResult> {
    this.call('probe', instance);
    const healthy = this.healthy.get(instance) ?? true;
    return healthy ? { healthy, load: 0.25 } : { healthy, detail: 'GET /health answered 503' };
  }

  async usage(): Promise<InstanceUsage> {
    return { cpuMillis: 100, memoryBytes: 1024, storageBytes: 2048, networkBytes: 8 };
  }

  async findWorkloads(): Promise<FoundWorkload[]> {
    return this.running.map((found) => ({ ...found, handle: { ...found.handle } }));
  }

  /** Set: stopFound ends only once it settles (a workload slow to die). */
  stopsFoundWait: Promise<void> | undefined;

  async stopFound(found: FoundWorkload): Promise<void> {
    this.call('stopFound', found.instance, found.handle.pid);
    await this.stopsFoundWait;
    const at = this.running.findIndex((w) => w.handle.pid === found.handle.pid);
    if (at >= 0) this.running.splice(at, 1);
  }

  async adopt(spec: InstanceSpec, handle: Record<string, unknown> = {}): Promise<boolean> {
    this.call('adopt', spec.instance);
    const alive =
      this.survivors.has(spec.instance) ||
      this.running.some((w) => w.instance === spec.instance && w.handle.pid === handle.pid);
    if (alive) this.states.set(spec.instance, 'running');
    return alive;
  }

  async exportData(instance: string): Promise<Readable> {
    this.call('exportData', instance);
    return Readable.from([this.data.get(instance) ?? Buffer.alloc(0)]);
  }

  async importData(spec: InstanceSpec, data: Readable): Promise<void> {
    this.call('importData', spec.instance);
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(Buffer.from(chunk as Buffer));
    this.data.set(spec.instance, Buffer.concat(chunks));
  }

  private call(
    method: FailingMethod | 'adopt' | 'stopFound',
    instance: string,
    detail?: unknown,
  ): void {
    this.calls.push(
      detail === undefined ? `${method} ${instance}` : `${method} ${instance} ${detail}`,
    );
    if (method !== 'adopt' && method !== 'stopFound') this.fail(method);
  }

  private fail(method: FailingMethod): void {
    const message = this.failures.get(method);
    if (message === undefined) return;
    this.failures.delete(method);
    throw new Error(message);
  }
}
