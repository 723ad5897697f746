import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  AgentReregister,
  DEFAULT_LEASE_DIR,
  ErrorCodes,
  Subjects,
  validatePayload,
  type AgentHeartbeat,
  type AgentRegistration,
  type HostCapacity,
  type HostConfig,
  type Usage,
} from '@federa/contracts';
import type { Logger } from 'pino';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { resolveCapacity } from './config/detect-capacity';
import { ObjectStoreDataTransfer } from './infrastructure/data/object-store-data-transfer';
import { HostAgent } from './host-agent';
import { agentLogger } from './agent-logger';
// The file, not the @federa/messaging index: the index also loads Nest (~20 MB the agent never uses).
import { connectNats } from '../../../libs/messaging/src/nats-connection';
import { SubjectGuard } from '../../../libs/messaging/src/subject-guard';
import { createLayer } from './layers/create-layer';
import type { LayerDriver, LayerKind } from './layers/layer-driver';
import { ProcessLayer } from './layers/process';
import { abortableSleep, registerHost } from './infrastructure/nats/register-host';
import { ReregisterPacing } from './domain/reregister-pacing';
import { ReportChannel } from './infrastructure/nats/report-channel';
import { HostLeaseWriter } from './infrastructure/lease/host-lease-writer';
import { isClosedConnection } from './infrastructure/nats/closed-connection';
import { answerInSpan } from './infrastructure/nats/command-span';
import { FileAgentStateStore } from './infrastructure/store/agent-state-store';
import { DataDirLock } from './infrastructure/store/data-dir-lock';
import { HostKey } from './infrastructure/store/host-key-file';
import { HostUsageSampler } from './usage/host-usage-sampler';
import { EndpointsBoard } from './discovery/endpoints-board';
import { DiscoveryBucketWatcher } from './discovery/bucket-watcher';
import type { DiscoveryServer } from './discovery/discovery-server';
import { discoveryUrl, startDiscoveryServer } from './discovery/discovery-endpoint';

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
  /** Where the lease file `<host>.lease` is renewed every heartbeat interval. @default DEFAULT_LEASE_DIR */
  leaseDir?: string;
  /** What heartbeats say about the host's usage. @default HostUsageSampler of /proc and the data dir */
  usage?: HostUsageSource;
}

/** Samples the whole host's usage for a heartbeat. */
export interface HostUsageSource {
  sample(): Promise<Usage>;
}

const NO_USAGE: Usage = { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, networkBytes: 0 };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SUPERVISE_MAX_MS = 500;
/** A refused publish or subscription is logged at most this often per subject. */
const PERMISSION_LOG_EVERY_MS = 60_000;

/**
 * The host agent (the patent's MR) of one real host: detects capacity, registers for an epoch,
 * heartbeats, executes commands and supervises instances. Losing the bus never touches workloads:
 * they keep running and reports wait for the reconnect. `stop()` leaves instances running.
 */
export class Agent {
  readonly runId = randomUUID();
  /** The id of the registration under way or last answered: a new one per (re-)registration. */
  private registrationId = this.runId;
  private hostKey: HostKey;
  private dataDirLock: DataDirLock | undefined;
  private nc: NatsConnection | undefined;
  private subscription: Subscription | undefined;
  private reregisterSubscription: Subscription | undefined;
  /** A registration that inventory asked for, under way. */
  private reregistering: Promise<void> | undefined;
  private readonly pacing = new ReregisterPacing();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly abort = new AbortController();
  private readonly permissionSaid = new Map<string, number>();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private leaseFailing = false;
  /** Heartbeats between their start and their publish: stop() waits for them. */
  private readonly beating = new Set<Promise<void>>();
  private readonly lease: HostLeaseWriter;
  private heartbeatSeq = 0;
  private online = false;
  private capacity: HostCapacity;
  private registered: Promise<number> | undefined;
  readonly core: HostAgent;
  readonly reports: ReportChannel;
  private readonly subjects: Subjects;
  private readonly log: Logger;
  private readonly usage: HostUsageSource;
  private watcher: DiscoveryBucketWatcher | undefined;

  private constructor(
    private readonly options: AgentOptions,
    private readonly layers: Map<LayerKind, LayerDriver>,
    log: Logger,
    /** The newest endpoints of every service, from the discovery bucket. */
    readonly endpoints: EndpointsBoard,
    private readonly discovery: DiscoveryServer,
  ) {
    this.subjects = new Subjects(options.subjectPrefix);
    this.log = log;
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
      address: options.config.address,
      warn: (message) => log.error(message),
      discovery: {
        endpointsOf: (service) => endpoints.current(service),
        discoveryUrlOf: (service) => this.discoveryUrlOf(service),
      },
    });
    this.usage = options.usage ?? new HostUsageSampler(options.dataDir, cpus().length);
    this.lease = new HostLeaseWriter(options.leaseDir ?? DEFAULT_LEASE_DIR);
  }

  /** Starts an agent: adopts what still runs, then connects, registers and heartbeats. */
  static async start(options: AgentOptions): Promise<Agent> {
    await mkdir(options.dataDir, { recursive: true });
    const layers = new Map<LayerKind, LayerDriver>();
    for (const kind of options.config.layers) {
      layers.set(kind, createLayer(kind, { dataDir: options.dataDir, cwd: options.cwd }));
    }
    const log = options.logger ?? agentLogger(`federa-agent ${options.config.host}`);
    const board = new EndpointsBoard(log);
    // Before anything reads the data dir: a second agent there would run its instances twice.
    const lock = await DataDirLock.acquire(options.dataDir);
    const server = await startDiscoveryServer(
      board,
      options.config.discovery,
      options.dataDir,
      log,
    ).catch(async (error: unknown) => {
      await lock.release();
      throw error;
    });
    const agent = new Agent(options, layers, log, board, server);
    agent.dataDirLock = lock;
    try {
      agent.hostKey = await HostKey.inDataDir(options.dataDir);
      agent.capacity = await resolveCapacity(options.config, options.dataDir);
      await agent.core.restore();
      await agent.connect();
    } catch (error) {
      await server.close();
      await lock.release();
      throw error;
    }
    return agent;
  }

  get host(): string {
    return this.options.config.host;
  }

  /** FEDERA_DISCOVERY_URL of `service` for a workload on this host. */
  discoveryUrlOf(service: string): string {
    return discoveryUrl(this.options.config.discovery?.bind, this.discovery.port, service);
  }

  /** Resolves once the discovery bucket is watched (its values read, puts to come). */
  async whenWatchingEndpoints(): Promise<void> {
    await this.watcher?.ready;
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

  /**
   * Stops heartbeats, lease renewals, commands and the bus connection; instances keep running.
   * Timers go first and in-flight heartbeats are awaited, so nothing is sent on a closed connection.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /**
   * Stops every instance through its layer (a process workload's group gets SIGTERM, then SIGKILL
   * after `graceMs`), then the agent as stop() does: what an agent started by `federa up` does when
   * `federa up` is gone, since nothing would ever stop or adopt them (docs/reference/cli.md).
   * Commands stop first, and the work they began is awaited: a start taken meanwhile would run a
   * workload that nothing stops. Probes stop too, so that an instance stopped here is not taken for
   * one that failed.
   */
  async stopWithInstances(graceMs = 3000): Promise<void> {
    this.subscription?.unsubscribe();
    this.core.stop();
    await this.core.settled();
    await Promise.all(
      this.core.instances().map(async ({ instance, layer }) => {
        try {
          await this.layers.get(layer)?.stop(instance, { graceMs });
        } catch (error) {
          this.log.warn({ err: error, instance }, 'could not stop the instance');
        }
      }),
    );
    await this.stop();
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    this.core.stop();
    this.abort.abort();
    await Promise.all([...this.beating, this.lease.settled()]);
    await this.reregistering;
    this.reports.close();
    this.subscription?.unsubscribe();
    this.reregisterSubscription?.unsubscribe();
    await this.watcher?.stop();
    await this.discovery.close();
    await this.core.settled();
    await this.nc?.close().catch(() => undefined);
    for (const layer of this.layers.values()) if (layer instanceof ProcessLayer) layer.detachAll();
    await this.dataDirLock?.release();
  }

  private async connect(): Promise<void> {
    const nc = await connectNats(this.options.natsUrl, `federa-agent-${this.host}`);
    this.nc = nc;
    this.online = true;
    this.reports.setConnection(nc, true);
    void this.watchConnection(nc);
    const data = new ObjectStoreDataTransfer(
      nc.jetstream(),
      this.subjects.dataBucketOf(this.host),
      join(this.options.dataDir, 'transfers'),
    );
    this.core.setDataTransfer(data);
    this.watcher = new DiscoveryBucketWatcher(
      nc,
      this.subjects.discoveryBucket,
      this.subjects.discoveryKeysOf(this.host),
      this.endpoints,
      this.log,
    );
    const reregister = this.guarded(this.subjects.agentReregister(this.host));
    this.reregisterSubscription = nc.subscribe(reregister.subject, {
      callback: (error, msg) => {
        if (!error && reregister.guard.admits(msg.subject)) this.onReregister(msg.data);
      },
    });
    this.registered = this.register();
    this.registered.catch(() => undefined);
    this.timers.push(setInterval(() => this.beat(), this.options.heartbeatMs));
    const superviseEvery = Math.min(this.options.heartbeatMs, SUPERVISE_MAX_MS);
    this.timers.push(setInterval(() => void this.core.supervise(), superviseEvery));
  }

  /** Registers (retrying until answered) and runs under the epoch inventory grants. */
  private async register(): Promise<number> {
    const { epoch } = await registerHost(
      this.nc!,
      this.subjects.agentRegisterFor(this.host),
      () => this.registration(),
      this.abort.signal,
      (attempt, why, code) => {
        if (code === ErrorCodes.conflict) {
          // Another agent's key holds this host: ours may take it only once inventory reads it down.
          this.log.error(
            { attempt, why },
            'registration refused: the host is held by another agent',
          );
        } else if (code !== undefined) {
          // Refused, not unanswered: the reason (a clock off, a bad config) is what the operator needs.
          this.log.error({ attempt, why, code }, `${why}; retrying`);
        } else {
          this.log.warn({ attempt, why }, 'registration not answered yet; retrying');
        }
      },
    );
    const previous = this.core.epoch;
    this.core.setEpoch(epoch);
    this.pacing.registered(Date.now());
    // Commands are heard only once inventory took this agent for the host's: an agent refused
    // (another key holds the host) must not answer the holder's commands in its place.
    if (!this.subscription) {
      const command = this.guarded(this.subjects.agentCommand(this.host));
      this.subscription = this.nc!.subscribe(command.subject, {
        callback: (error, msg) => {
          if (error || !command.guard.admits(msg.subject)) return;
          void answerInSpan(msg, () => this.answer(msg.data)).then((reply) =>
            this.respond(msg, reply),
          );
        },
      });
      // Registered means reachable: the server knows the subscription before anyone learns the epoch.
      await this.nc!.flush().catch(() => undefined);
    }
    this.heartbeatSeq = 0;
    this.reports.epochKnown();
    this.log.info({ epoch, previous }, 'registered');
    if (previous !== undefined) this.core.announceAll(`registered again with epoch ${epoch}`);
    this.beat();
    return epoch;
  }

  /**
   * Inventory ignores this agent's heartbeats (its epoch is stale, or its host is down): it
   * registers again for a new epoch, unless it already has a newer one or is registering.
   */
  private onReregister(data: Uint8Array): void {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(data));
    } catch {
      return;
    }
    const parsed = validatePayload(AgentReregister, body);
    if (!parsed.ok || this.stopping || this.reregistering) return;
    const epoch = this.core.epoch;
    if (epoch === undefined || parsed.value.refusedEpoch !== epoch) return;
    const { reason } = parsed.value;
    const delayMs = this.pacing.delayFor(reason, Date.now());
    if (delayMs > 0) {
      this.log.error(
        { epoch, reason, delayMs },
        'another registration with this host key took the epoch soon after ours: is a copy of this data dir running elsewhere? registering again after a wait',
      );
    } else {
      this.log.warn({ epoch, reason }, 'inventory ignores this epoch; registering again');
    }
    this.core.beginRegistration();
    this.reregistering = abortableSleep(delayMs, this.abort.signal)
      .then(() => {
        this.registrationId = randomUUID();
        return this.register();
      })
      .then(() => undefined)
      .catch((error: unknown) => {
        if (!this.stopping) this.log.error({ err: error }, 'registering again failed');
      })
      .finally(() => (this.reregistering = undefined));
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

  /** One heartbeat interval: the lease is renewed even while the bus is down (that is its point). */
  private beat(): void {
    if (this.stopping) return;
    const epoch = this.core.epoch;
    if (epoch === undefined) return;
    this.lease.renew({ host: this.host, epoch, renewedAt: Date.now() }, (error) => {
      // Said once per outage: inventory will read this host as dead if it also goes silent.
      if (error && !this.leaseFailing)
        this.log.warn({ err: error, leaseDir: this.lease.leaseDir }, 'could not renew the lease');
      this.leaseFailing = error !== undefined;
    });
    const sending = this.heartbeat(epoch).catch((error: unknown) =>
      this.log.warn({ err: error }, 'heartbeat not sent'),
    );
    this.beating.add(sending);
    void sending.finally(() => this.beating.delete(sending));
  }

  private async heartbeat(epoch: number): Promise<void> {
    // A heartbeat is only worth its moment: never queue one for a bus that is not there.
    if (!this.online || !this.nc) return;
    const usage = await this.usage.sample().catch(() => NO_USAGE);
    if (this.stopping || !this.online || this.core.epoch !== epoch) return;
    const beat: AgentHeartbeat = {
      host: this.host,
      epoch,
      seq: ++this.heartbeatSeq,
      sentAt: Date.now(),
      intervalMs: this.options.heartbeatMs,
      usage,
      instances: this.core.instanceBeats(),
    };
    this.publish(this.subjects.agentHeartbeat(this.host), beat);
  }

  /** Publishes, except that a connection closed by stop() is no error. */
  private publish(subject: string, body: unknown): void {
    try {
      this.nc!.publish(subject, encoder.encode(JSON.stringify(body)));
    } catch (error) {
      if (!(this.stopping && isClosedConnection(error))) throw error;
    }
  }

  private respond(msg: Msg, reply: unknown): void {
    try {
      msg.respond(encoder.encode(JSON.stringify(reply)));
    } catch (error) {
      if (!(this.stopping && isClosedConnection(error)))
        this.log.warn({ err: error }, 'command answer not sent');
    }
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
      agentRunId: this.registrationId,
      hostKey: this.hostKey.prove(config.host, this.registrationId),
      heartbeatMs: this.options.heartbeatMs,
      instances: this.core.registeredInstances(),
    };
  }

  /**
   * A subject with the guard its subscription drops foreign deliveries with: a JetStream consumer
   * delivering here hands over messages under their stored subject, forged by whoever stored them.
   */
  private guarded(subject: string): { subject: string; guard: SubjectGuard } {
    return { subject, guard: new SubjectGuard(subject, (line) => this.log.warn(line)) };
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
      } else if (status.type === 'error' && status.permissionContext) {
        this.permissionRefused(status.permissionContext);
      }
    }
  }

  /**
   * The server refuses a publish or subscription of this connection's identity asynchronously, and
   * the agent would otherwise only see nothing answered: said once a minute per subject, with the
   * likely cause (credentials of another identity than `agent:<host>`).
   */
  private permissionRefused(context: { operation: string; subject: string }): void {
    const key = `${context.operation} ${context.subject}`;
    const now = Date.now();
    if (now - (this.permissionSaid.get(key) ?? -Infinity) < PERMISSION_LOG_EVERY_MS) return;
    this.permissionSaid.set(key, now);
    this.log.error(
      { operation: context.operation, subject: context.subject },
      `the bus refuses this agent's ${context.operation} on ${context.subject}: are its credentials (--credentials, FEDERA_NATS_CREDENTIALS) agent:${this.host}'s?`,
    );
  }
}
