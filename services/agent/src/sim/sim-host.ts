import { randomUUID } from 'node:crypto';
import type { AgentRegistration, HostCapacity, HostConfig } from '@federa/contracts';
import { HostAgent } from '../host-agent';
import type { DataTransfer } from '../infrastructure/data/data-transfer';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { SimLayer, type SimLiveMigrations } from '../layers/sim';
import { ReportChannel } from '../infrastructure/nats/report-channel';
import { MemoryAgentStateStore } from '../infrastructure/store/agent-state-store';

/** Faults a simulated host suffers right now. */
export interface SimFaultState {
  killed: boolean;
  partitionedUntil: number;
  slowMs: number;
}

/** One simulated host: its own agent logic, epoch, heartbeat sequence and faults. */
export class SimHost {
  runId = randomUUID();
  /** The id of the registration under way or last answered: a new one per (re-)registration. */
  registrationId = this.runId;
  core: HostAgent;
  reports: ReportChannel;
  heartbeatSeq = 0;
  faults: SimFaultState = { killed: false, partitionedUntil: 0, slowMs: 0 };
  /** Cached JSON of the instances part of the heartbeat, and the core version it reflects. */
  beatsJson = '[]';
  beatsVersion = -1;
  private layer: SimLayer;

  constructor(
    readonly id: string,
    private readonly config: HostConfig,
    readonly capacity: HostCapacity,
    private readonly reportSubject: string,
    private readonly heartbeatMs: number,
    private readonly data: DataTransfer | undefined,
    /**
     * The layer names this host offers, the sim layer's driver behind each (a replay of process or
     * qemu hosts); default `sim` alone.
     */
    private readonly offered: readonly LayerKind[] = ['sim'],
    /** Shared by the fleet's hosts when live moves are simulated (offered qemu hosts). */
    private readonly live?: SimLiveMigrations,
  ) {
    this.boot();
  }

  /** Boots afresh: no instances, no epoch, new run id (what a power cycle leaves). */
  boot(): void {
    // The old core's startup probes must not report into the new run.
    this.core?.stop();
    this.runId = randomUUID();
    this.registrationId = this.runId;
    this.layer = new SimLayer(Date.now, this.live);
    this.reports?.close();
    this.reports = new ReportChannel(this.reportSubject, {
      host: this.id,
      runId: this.runId,
      epoch: () => this.core.epoch,
    });
    const layers = new Map<LayerKind, LayerDriver>(this.offered.map((kind) => [kind, this.layer]));
    this.core = new HostAgent({
      host: this.id,
      layers,
      instancesDir: `/nonexistent/sim/${this.id}`,
      store: new MemoryAgentStateStore(),
      data: this.data,
      report: (draft) => this.reports.emit(draft),
      heartbeatMs: this.heartbeatMs,
    });
    this.heartbeatSeq = 0;
    this.beatsVersion = -1;
  }

  kill(): void {
    this.faults.killed = true;
    this.layer.failAll();
    this.reports.close();
  }

  /** One running instance of the application fails (sim-layer.ts failOneOf); answers its id. */
  failOneOf(service: string, app: string): string | undefined {
    return this.faults.killed ? undefined : this.layer.failOneOf(service, app);
  }

  /** Silent: no heartbeats, no replies, reports buffered, until `now` passes `until`. */
  isPartitioned(now: number): boolean {
    return this.faults.partitionedUntil > now;
  }

  registration(): AgentRegistration {
    return {
      host: this.id,
      site: this.config.site,
      securityLevel: this.config.securityLevel,
      layers: [...this.offered],
      capacity: this.capacity,
      costs: this.config.costs,
      ...(this.config.features ? { features: this.config.features } : {}),
      labels: { ...(this.config.labels ?? {}), simulated: 'true' },
      // Simulated hosts register without a host key (docs/adr/host-key.md): test doubles all.
      agentRunId: this.registrationId,
      heartbeatMs: this.heartbeatMs,
      instances: this.core.registeredInstances(),
    };
  }

  /** The heartbeat as JSON, built from cached parts: thousands of these are sent every second. */
  heartbeatJson(sentAt: number): string {
    if (this.beatsVersion !== this.core.beatsVersion) {
      this.beatsJson = JSON.stringify(this.core.instanceBeats());
      this.beatsVersion = this.core.beatsVersion;
    }
    const u = this.core.instancesUsage();
    return (
      `{"host":"${this.id}","epoch":${this.core.epoch},"seq":${++this.heartbeatSeq},"sentAt":${sentAt},` +
      `"intervalMs":${this.heartbeatMs},"usage":{"cpuMillis":${u.cpuMillis},"memoryBytes":${u.memoryBytes},` +
      `"storageBytes":${u.storageBytes},"networkBytes":${u.networkBytes},"networkInBytes":${u.networkInBytes ?? 0},` +
      `"networkOutBytes":${u.networkOutBytes ?? 0}},"instances":${this.beatsJson}}`
    );
  }
}
