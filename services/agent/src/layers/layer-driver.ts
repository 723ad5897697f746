import type { Readable } from 'node:stream';
import type { ServiceEndpoints } from '@federa/contracts';

/** The kinds of virtual layer a host can offer (a host's `layers`, an application's `layer`). */
export type LayerKind = 'qemu' | 'libvirt' | 'process' | 'sim';

/** What the control plane asks a layer to run: one instance of an application. */
export interface InstanceSpec {
  instance: string;
  service: string;
  app: string;
  /** Layer-specific: process `{ command: [...] }`, qemu `{ image?, memoryMiB? }`, libvirt `{ xml? }`. */
  artifact: Record<string, unknown>;
  resources: { cpuMillis: number; memoryBytes: number; storageBytes: number; bandwidthBps: number };
  health?: {
    http?: { path: string };
    tcp?: Record<string, never>;
    intervalMs: number;
    failureThreshold: number;
  };
  /** Directory that holds the instance's data (moves with it). */
  dataDir: string;
  env?: Record<string, string>;
  /** The service's endpoints at start: the workload's FEDERA_ENDPOINTS_<APP>. */
  endpoints?: ServiceEndpoints;
  /** The agent's discovery URL of the service, as seen from this host (FEDERA_DISCOVERY_URL). */
  discoveryUrl?: string;
  /** The application's `data.backupEveryMs`: the agent copies the data to the bucket this often. */
  backupEveryMs?: number;
}

/** A workload a layer found running for an instance of this host. */
export interface FoundWorkload {
  instance: string;
  /** What `adopt` takes to re-attach to it (process: pid, start time and port). */
  handle: Record<string, unknown>;
}

/** Where an instance listens, as its layer knows it; the agent adds the host's address. */
export interface LayerEndpoint {
  port: number;
  /** A VM's own address, where the layer can tell. */
  guestAddress?: string;
}

export type LayerInstanceState =
  'starting' | 'running' | 'paused' | 'stopped' | 'failed' | 'unknown';

export interface LayerInstanceStatus {
  state: LayerInstanceState;
  /** Layer-specific handle that lets the agent re-adopt the instance after its own restart (pid, QMP socket, domain). */
  handle: Record<string, unknown>;
  detail?: string;
}

export interface ProbeResult {
  healthy: boolean;
  /** 0..1 from the application (process: `federa_load` gauge on /metrics). */
  load?: number;
  detail?: string;
}

/** What a layer measured of one instance; network in bytes per second (docs: agent protocol, usage). */
export interface InstanceUsage {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  networkBytes: number;
  /** Received and sent, when the layer can tell them apart (their sum is networkBytes). */
  networkInBytes?: number;
  networkOutBytes?: number;
}

export interface LiveMigrationResult {
  totalMs: number;
  downtimeMs: number;
}

/**
 * One virtual layer (qemu, libvirt, process or sim) behind a uniform interface.
 * Every method is idempotent for the same instance: starting a running instance answers its status.
 */
export interface LayerDriver {
  readonly kind: LayerKind;
  start(spec: InstanceSpec): Promise<LayerInstanceStatus>;
  stop(instance: string, options?: { graceMs?: number }): Promise<void>;
  destroy(instance: string): Promise<void>;
  status(instance: string): Promise<LayerInstanceStatus>;
  probe(instance: string): Promise<ProbeResult>;
  usage(instance: string): Promise<InstanceUsage>;
  /** Re-attaches to an instance that kept running while the agent restarted; false if it is gone. */
  adopt(spec: InstanceSpec, handle: Record<string, unknown>): Promise<boolean>;
  /**
   * Optional: the workloads of this host (instances under `instancesDir`) running now, whatever the
   * instance table holds, each with the handle `adopt` takes (process: by their environment).
   */
  findWorkloads?(instancesDir: string): Promise<FoundWorkload[]>;
  /** Optional: ends a workload `findWorkloads` found that the agent does not adopt. */
  stopFound?(found: FoundWorkload, options?: { graceMs?: number }): Promise<void>;
  /** Optional: where the instance of this adoption handle listens on the host (none: it does not). */
  endpointOf?(handle: Record<string, unknown>): LayerEndpoint | undefined;
  /** Streams the instance's data (a tar of the data dir, a disk image, ...). */
  exportData(instance: string): Promise<Readable>;
  importData(spec: InstanceSpec, data: Readable): Promise<void>;
  /** Optional: the reasons this layer cannot run `artifact`, each with its path (`artifact.command`). */
  validateArtifact?(artifact: Record<string, unknown>): Array<{ path: string; reason: string }>;
  /** Live migration where the layer can (qemu); others throw LayerCapabilityMissing. */
  migrateOut?(
    instance: string,
    target: { host: string; uri: string },
  ): Promise<LiveMigrationResult>;
  /** Prepares to receive a live migration; answers the URI the source must send to. */
  migrateIn?(spec: InstanceSpec): Promise<{ uri: string }>;
  /** Optional: makes a paused instance run again (qemu `cont`); a layer that never pauses has none. */
  resume?(instance: string): Promise<void>;
}

/** A layer was asked for something it cannot do (live migration on libvirt's test driver, ...). */
export class LayerCapabilityMissing extends Error {
  constructor(
    readonly layer: LayerKind,
    readonly capability: string,
    why: string,
  ) {
    super(`layer ${layer} cannot ${capability}: ${why}`);
    this.name = 'LayerCapabilityMissing';
  }
}
