import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  Subjects,
  type AgentHeartbeat,
  type AgentRegistration,
  type HostCapacity,
  type HostConfig,
} from '@federa/contracts';
import { connectAgentBus } from './nats/connect-agent-bus';
import type { Logger } from 'pino';
import type { NatsConnection, Subscription } from 'nats';
import { resolveCapacity } from './config/detect-capacity';
import { ObjectStoreDataTransfer } from './data/object-store-data-transfer';
import { HostAgent } from './host-agent';
import { agentLogger } from './agent-logger';
import { createLayer } from './layers/create-layer';
import type { LayerDriver, LayerKind } from './layers/layer-driver';
import { ProcessLayer } from './layers/process';
import { registerHost } from './nats/register-host';
import { ReportChannel } from './nats/report-channel';
import { FileAgentStateStore } from './store/agent-state-store';
import { HostUsageSampler } from './usage/host-usage-sampler';

export interface AgentOptions {
  config: HostConfig;
  /** Where the instance table, answered commands, instance data and logs live. */
  dataDir: string;
  natsUrl: string;
  subjectPrefix: string;
  heartbeatMs: number;
  /** Working directory of process artifacts that name none. @default process.cwd() */
  cwd?: string;
  /** Reports kept while the bus is down. @default 10000 */
  reportBufferCapacity?: number;
  logger?: Logger;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SUPERVISE_MAX_MS = 500;

/**
 * The host agent (the patent's MR) of one real host: detects capacity, registers for an epoch,
 * heartbeats, executes commands and supervises instances. Losing the bus never touches workloads:
 * they keep running and reports wait for the reconnect. `stop()` leaves instances running.
 */
export class Agent {
  readonly runId = randomUUID();
  private nc: NatsConnection | undefined;
  private subscription: Subscription | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly abort = new AbortController();
  private heartbeatSeq = 0;
  private online = false;
  private capacity: HostCapacity;
  private registered: Promise<number> | undefined;
  readonly core: HostAgent;
  readonly reports: ReportChannel;
  private readonly subjects: Subjects;
  private readonly log: Logger;
  private readonly usage: HostUsageSampler;

  private constructor(
    private readonly options: AgentOptions,
    private readonly layers: Map<LayerKind, LayerDriver>,
  ) {
    this.subjects = new Subjects(options.subjectPrefix);
    this.log = options.logger ?? agentLogger(`federa-agent ${options.config.host}`);
    this.reports = new ReportChannel(
      this.subjects.agentReport(options.config.host),
      { host: options.config.host, runId: this.runId, epoch: () => this.core.epoch },
      options.reportBufferCapacity,
    );
    this.core = new HostAgent({
      host: options.config.host,
      layers,
      instancesDir: join(options.dataDir, 'instances'),
      store: new FileAgentStateStore(options.dataDir),
      report: (draft) => this.reports.emit(draft),
      heartbeatMs: options.heartbeatMs,
    });
    this.usage = new HostUsageSampler(options.dataDir, cpus().length);
  }

  /** Starts an agent: adopts what still runs, then connects, registers and heartbeats. */
  static async start(options: AgentOptions): Promise<Agent> {
    await mkdir(options.dataDir, { recursive: true });
    const layers = new Map<LayerKind, LayerDriver>();
    for (const kind of options.config.layers) {
      layers.set(kind, createLayer(kind, { dataDir: options.dataDir, cwd: options.cwd }));
    }
    const agent = new Agent(options, layers);
    agent.capacity = await resolveCapacity(options.config, options.dataDir);
    await agent.core.restore();
    await agent.connect();
    return agent;
  }

  get host(): string {
    return this.options.config.host;
  }

  get epoch(): number | undefined {
    return this.core.epoch;
  }

  get hostCapacity(): HostCapacity {
    return this.capacity;
  }

  /** Resolves with the epoch once inventory answered the registration. */
  whenRegistered(): Promise<number> {
    return this.registered as Promise<number>;
  }

  /** Stops heartbeats, commands and the bus connection; instances keep running. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const timer of this.timers) clearInterval(timer);
    this.reports.close();
    this.subscription?.unsubscribe();
    await this.core.settled();
    await this.nc?.close().catch(() => undefined);
    for (const layer of this.layers.values()) if (layer instanceof ProcessLayer) layer.detachAll();
  }

  private async connect(): Promise<void> {
    const nc = await connectAgentBus(this.options.natsUrl, `federa-agent-${this.host}`);
    this.nc = nc;
    this.online = true;
    this.reports.setConnection(nc, true);
    void this.watchConnection(nc);
    this.subscription = nc.subscribe(this.subjects.agentCommand(this.host), {
      callback: (error, msg) => {
        if (error) return;
        void this.answer(msg.data).then((reply) =>
          msg.respond(encoder.encode(JSON.stringify(reply))),
        );
      },
    });
    const data = new ObjectStoreDataTransfer(
      nc.jetstream(),
      this.subjects.dataBucket,
      join(this.options.dataDir, 'transfers'),
    );
    this.core.setDataTransfer(data);
    this.registered = registerHost(
      nc,
      this.subjects.agentRegister,
      () => this.registration(),
      this.abort.signal,
      (attempt, why) => this.log.warn({ attempt, why }, 'registration not answered yet; retrying'),
    ).then(({ epoch }) => {
      this.core.setEpoch(epoch);
      this.heartbeatSeq = 0;
      this.log.info({ epoch }, 'registered');
      void this.heartbeat();
      return epoch;
    });
    this.registered.catch(() => undefined);
    this.timers.push(setInterval(() => void this.heartbeat(), this.options.heartbeatMs));
    const superviseEvery = Math.min(this.options.heartbeatMs, SUPERVISE_MAX_MS);
    this.timers.push(setInterval(() => void this.core.supervise(), superviseEvery));
  }

  private async answer(data: Uint8Array): Promise<unknown> {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(data));
    } catch {
      body = undefined;
    }
    try {
      return await this.core.handleCommand(body);
    } catch (error) {
      this.log.error({ err: error }, 'command failed unexpectedly');
      return {
        ok: false,
        error: { code: 'internal', message: (error as Error).message, details: [] },
      };
    }
  }

  private async heartbeat(): Promise<void> {
    const epoch = this.core.epoch;
    // A heartbeat is only worth its moment: never queue one for a bus that is not there.
    if (epoch === undefined || !this.online || !this.nc) return;
    const beat: AgentHeartbeat = {
      host: this.host,
      epoch,
      seq: ++this.heartbeatSeq,
      sentAt: Date.now(),
      intervalMs: this.options.heartbeatMs,
      usage: await this.usage
        .sample()
        .catch(() => ({ cpuMillis: 0, memoryBytes: 0, storageBytes: 0, networkBytes: 0 })),
      instances: this.core.instanceBeats(),
    };
    beat.sentAt = Date.now();
    if (this.online)
      this.nc.publish(
        this.subjects.agentHeartbeat(this.host),
        encoder.encode(JSON.stringify(beat)),
      );
  }

  private registration(): AgentRegistration {
    const { config } = this.options;
    return {
      host: config.host,
      site: config.site,
      securityLevel: config.securityLevel,
      layers: config.layers,
      capacity: this.capacity,
      costs: config.costs,
      ...(config.features ? { features: config.features } : {}),
      ...(config.labels ? { labels: config.labels } : {}),
      agentRunId: this.runId,
      heartbeatMs: this.options.heartbeatMs,
      instances: this.core.registeredInstances(),
    };
  }

  private async watchConnection(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'staleConnection') {
        if (this.online)
          this.log.warn({ status: status.type }, 'bus unreachable; instances keep running');
        this.online = false;
        this.reports.setOnline(false);
      } else if (status.type === 'reconnect') {
        this.log.info('bus reachable again; flushing buffered reports');
        this.online = true;
        this.reports.setOnline(true);
      }
    }
  }
}
