import {
  AgentReregister,
  ErrorCodes,
  SimInjection,
  Subjects,
  ValidationFailed,
  errorBody,
  replyOk,
  validatePayload,
  type HostConfig,
} from '@federa/contracts';
// The file, not the @federa/messaging index: the index also loads Nest (~20 MB the agent never uses).
import { connectNats } from '../../../../libs/messaging/src/nats-connection';
import { SubjectGuard } from '../../../../libs/messaging/src/subject-guard';
import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Logger } from 'pino';
import { agentLogger } from '../agent-logger';
import { ObjectStoreDataTransfer } from '../infrastructure/data/object-store-data-transfer';
import { TimerWheel } from '../domain/timer-wheel';
import { HostLeaseWriter } from '../infrastructure/lease/host-lease-writer';
import { isClosedConnection } from '../infrastructure/nats/closed-connection';
import { registerHost } from '../infrastructure/nats/register-host';
import type { LayerKind } from '../layers/layer-driver';
import { SimLiveMigrations } from '../layers/sim';
import { SimHost } from './sim-host';
import { simHostRoster, type NamedSimHost } from './sim-host-roster';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SimFleetOptions {
  /** The template: every simulated host copies its site, security level, costs and capacity. */
  config: HostConfig;
  count: number;
  /**
   * Exactly these hosts instead of `count` numbered copies of the template (a replay's recorded
   * hosts, each under its own id); the template then only names the fleet's NATS connection.
   */
  hosts?: NamedSimHost[];
  natsUrl: string;
  subjectPrefix: string;
  heartbeatMs: number;
  /** Timer slots per heartbeat interval: hosts are spread over them. @default 100 */
  slots?: number;
  /** Registrations in flight at once. @default 64 */
  registerConcurrency?: number;
  logger?: Logger;
  /**
   * Renew every simulated host's lease file in this directory each heartbeat interval, as a real
   * agent does (`--simulate-leases`). Absent: no lease is written, since 5,000 hosts at 1 Hz are
   * 5,000 file writes a second, and inventory then reads every silent simulated host as `dead`.
   * Written synchronously in the timer tick (cheapest per file): put it on tmpfs (/dev/shm), where
   * 5,000 hosts cost ~0.35 s of cpu a second; a rename over a file costs ~2 ms on this ext4.
   */
  leaseDir?: string;
  /**
   * Each host offers the layers its config names (`process`, `qemu`, ...), every one of them
   * simulated by the sim layer's driver, and instances move live between the fleet's hosts (in
   * memory) where placement makes a move live (qemu): a replay of a recorded fleet places and moves
   * its instances as recorded. Absent or false: every host offers `sim` alone and moves nothing
   * live (`federa agent --simulate`).
   */
  simulateConfiguredLayers?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * N simulated hosts in one process (`federa agent --simulate N`), ids `<host>-0001`, ... on one
 * NATS connection. Heartbeats run on one timer wheel: the interval is cut into slots and each
 * tick sends the heartbeats of one slot, so N hosts cost one timer and N small string
 * concatenations per interval. Faults are injected per host on `Subjects.simInject(host)`.
 */
export class SimFleet {
  readonly hosts = new Map<string, SimHost>();
  private readonly wheel: TimerWheel<SimHost>;
  private readonly subjects: Subjects;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly subscriptions: Subscription[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private tick = 0;
  private startedAt = 0;
  private online = true;
  private readonly lease: HostLeaseWriter | undefined;
  private leaseFailing = false;

  private constructor(
    private readonly options: SimFleetOptions,
    private readonly nc: NatsConnection,
  ) {
    this.subjects = new Subjects(options.subjectPrefix);
    this.log = options.logger ?? agentLogger(`federa-agent simulate ${options.count}`);
    this.wheel = new TimerWheel(options.slots ?? 100);
    this.lease = options.leaseDir === undefined ? undefined : new HostLeaseWriter(options.leaseDir);
  }

  static async start(options: SimFleetOptions): Promise<SimFleet> {
    const nc = await connectNats(options.natsUrl, `federa-agent-sim-${options.config.host}`);
    const fleet = new SimFleet(options, nc);
    fleet.boot();
    return fleet;
  }

  /** Resolves once every host has its epoch. */
  registered: Promise<void>;

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.tickTimer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    for (const host of this.hosts.values()) {
      host.core.stop();
      host.reports.close();
    }
    await this.nc.close().catch(() => undefined);
  }

  /**
   * Subscribes, dropping what arrives under a subject the subscription did not ask for: a JetStream
   * consumer delivering here hands over messages under their stored subject, forged by whoever
   * stored them.
   */
  private listen(subject: string, onMessage: (msg: Msg) => void): Subscription {
    const guard = new SubjectGuard(subject, (line) => this.log.warn(line));
    return this.nc.subscribe(subject, {
      callback: (error, msg) => {
        if (!error && guard.admits(msg.subject)) onMessage(msg);
      },
    });
  }

  private boot(): void {
    const { config: template, count, heartbeatMs } = this.options;
    const simulated = this.options.simulateConfiguredLayers === true;
    // Placement moves a qemu application's instances live: the hosts standing in for qemu ones
    // hand them to each other in memory.
    const live = simulated ? new SimLiveMigrations() : undefined;
    for (const { id, config, capacity } of simHostRoster(template, count, this.options.hosts)) {
      const host = new SimHost(
        id,
        config,
        capacity,
        this.subjects.agentReport(id),
        heartbeatMs,
        // Each simulated host has its own data bucket, as a real one: created when it first stores
        // data (opening is lazy), so that a fleet of thousands makes no bucket for nothing.
        new ObjectStoreDataTransfer(
          this.nc.jetstream(),
          this.subjects.dataBucketOf(id),
          join(tmpdir(), `federa-sim-${id}-transfers`),
          undefined,
          // Inventory makes no bucket for a host of the sim layer alone: the simulator makes its own.
          true,
        ),
        simulated ? offeredLayers(config) : undefined,
        live,
      );
      host.reports.setConnection(this.nc, true);
      this.hosts.set(id, host);
    }
    this.subscriptions.push(
      this.listen(this.subjects.agentCommand('*'), (msg) =>
        this.onCommand(msg.subject, msg.data, (body) => this.respond(msg, body)),
      ),
      this.listen(this.subjects.agentReregister('*'), (msg) =>
        this.onReregister(msg.subject, msg.data),
      ),
      this.listen(this.subjects.simInject('*'), (msg) =>
        msg.respond(encoder.encode(JSON.stringify(this.onInjection(msg.subject, msg.data)))),
      ),
    );
    this.registered = this.registerAll([...this.hosts.values()]);
    this.registered.catch(() => undefined);
    void this.watchConnection();
    this.startedAt = Date.now();
    this.scheduleTick();
  }

  private async registerAll(hosts: SimHost[]): Promise<void> {
    const queue = [...hosts];
    const worker = async () => {
      for (let host = queue.shift(); host; host = queue.shift()) await this.register(host);
    };
    await Promise.all(Array.from({ length: this.options.registerConcurrency ?? 64 }, worker));
  }

  private async register(host: SimHost): Promise<void> {
    const runId = host.runId;
    const { epoch } = await registerHost(
      this.nc,
      this.subjects.agentRegisterFor(host.id),
      () => host.registration(),
      this.abort.signal,
      (attempt, why, code) => {
        if (attempt % 10 !== 0) return;
        if (code !== undefined)
          this.log.error({ host: host.id, attempt, why, code }, `${why}; retrying`);
        else
          this.log.warn({ host: host.id, attempt, why }, 'registration not answered yet; retrying');
      },
    );
    if (host.runId !== runId || host.faults.killed) return;
    const previous = host.core.epoch;
    host.core.setEpoch(epoch);
    host.heartbeatSeq = 0;
    host.reports.epochKnown();
    if (previous === undefined) this.wheel.add(host);
    else host.core.announceAll(`registered again with epoch ${epoch}`);
  }

  /** Inventory ignores a host's epoch (stale, or down): that host registers again, as an agent does. */
  private onReregister(subject: string, data: Uint8Array): void {
    const host = this.hosts.get(subject.split('.')[2]);
    if (!host || host.faults.killed || host.core.isRegistering) return;
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(data));
    } catch {
      return;
    }
    const parsed = validatePayload(AgentReregister, body);
    if (!parsed.ok || parsed.value.refusedEpoch !== host.core.epoch) return;
    host.core.beginRegistration();
    host.registrationId = randomUUID();
    void this.register(host).catch(() => undefined);
  }

  private scheduleTick(): void {
    const slotMs = this.options.heartbeatMs / this.wheel.slots;
    // Ticks are placed on an absolute grid, so that slow ticks never accumulate drift.
    const due = this.startedAt + (this.tick + 1) * slotMs;
    this.tickTimer = setTimeout(() => this.onTick(), Math.max(0, due - Date.now()));
  }

  private onTick(): void {
    this.tick++;
    const now = Date.now();
    for (const host of this.wheel.due(this.tick)) {
      const epoch = host.core.epoch;
      if (host.faults.killed || epoch === undefined) continue;
      // A partitioned host (or a fleet cut from the bus) is alive: its lease is still renewed.
      if (this.lease) this.renewLease(host.id, epoch, now);
      if (!this.online || host.isPartitioned(now)) continue;
      void host.core.supervise();
      if (host.faults.slowMs > 0) {
        setTimeout(() => this.publishHeartbeat(host), host.faults.slowMs);
      } else {
        this.publishHeartbeat(host);
      }
    }
    if (!this.abort.signal.aborted) this.scheduleTick();
  }

  private renewLease(host: string, epoch: number, now: number): void {
    try {
      this.lease!.renewNow({ host, epoch, renewedAt: now });
      this.leaseFailing = false;
    } catch (error) {
      // Said once per outage, not once per host and interval.
      if (!this.leaseFailing) this.log.warn({ host, err: error }, 'could not renew leases');
      this.leaseFailing = true;
    }
  }

  private publishHeartbeat(host: SimHost): void {
    if (host.faults.killed || !this.online || this.abort.signal.aborted) return;
    try {
      this.nc.publish(
        this.subjects.agentHeartbeat(host.id),
        encoder.encode(host.heartbeatJson(Date.now())),
      );
    } catch (error) {
      // A slowed heartbeat may come due after stop() closed the connection.
      if (!(this.abort.signal.aborted && isClosedConnection(error))) throw error;
    }
  }

  /** Answers a command, except that a connection closed by stop() is no error. */
  private respond(msg: Msg, body: unknown): void {
    try {
      msg.respond(encoder.encode(JSON.stringify(body)));
    } catch (error) {
      if (!(this.abort.signal.aborted && isClosedConnection(error))) throw error;
    }
  }

  private onCommand(subject: string, data: Uint8Array, respond: (body: unknown) => void): void {
    const host = this.hosts.get(subject.split('.')[2]);
    // Dead or partitioned hosts are silent; commands for hosts of other processes are not ours.
    if (!host || host.faults.killed || host.isPartitioned(Date.now())) return;
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(data));
    } catch {
      body = undefined;
    }
    void host.core.handleCommand(body).then((reply) => {
      if (host.faults.slowMs > 0) setTimeout(() => respond(reply), host.faults.slowMs);
      else respond(reply);
    });
  }

  /**
   * Fails one running instance of `service`/`app`, on `preferred` when one runs there, else on any
   * host of the fleet: its agent notices at its next supervision and reports it failed. Answers
   * where, or undefined when none runs.
   */
  failInstanceOf(
    service: string,
    app: string,
    preferred?: string,
  ): { host: string; instance: string } | undefined {
    const first = preferred === undefined ? undefined : this.hosts.get(preferred);
    for (const host of [...(first ? [first] : []), ...this.hosts.values()]) {
      const instance = host.failOneOf(service, app);
      if (instance !== undefined) return { host: host.id, instance };
    }
    return undefined;
  }

  /**
   * Injects a fault into one of this fleet's hosts from the same process (a replay drives the
   * fleet it started), answering what a `Subjects.simInject(host)` request would.
   */
  inject(host: string, injection: SimInjection): unknown {
    return this.onInjection(
      this.subjects.simInject(host),
      encoder.encode(JSON.stringify(injection)),
    );
  }

  private onInjection(subject: string, data: Uint8Array): unknown {
    const id = subject.split('.')[2];
    const host = this.hosts.get(id);
    if (!host)
      return { ok: false, ...errorBody(ErrorCodes.notFound, `no simulated host ${id} here`) };
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(data));
    } catch {
      body = undefined;
    }
    const parsed = validatePayload(SimInjection, body);
    if (!parsed.ok) {
      const message = new ValidationFailed(parsed.errors, 'injection').message;
      return { ok: false, ...errorBody(ErrorCodes.validation, message, parsed.errors) };
    }
    const { fault, durationMs, delayMs } = parsed.value;
    const now = Date.now();
    switch (fault) {
      case 'kill':
        host.kill();
        this.wheel.remove(host);
        break;
      case 'revive':
        if (host.faults.killed) {
          host.faults = { killed: false, partitionedUntil: 0, slowMs: 0 };
          host.boot();
          host.reports.setConnection(this.nc, this.online);
          void this.register(host).catch(() => undefined);
        }
        break;
      case 'partition':
        host.faults.partitionedUntil = durationMs ? now + durationMs : Number.POSITIVE_INFINITY;
        host.reports.setOnline(false);
        if (durationMs) setTimeout(() => this.healIfDue(host), durationMs + 1).unref();
        break;
      case 'slow':
        host.faults.slowMs = delayMs ?? 2000;
        break;
      case 'heal':
        host.faults.partitionedUntil = 0;
        host.faults.slowMs = 0;
        if (!host.faults.killed) host.reports.setOnline(this.online);
        break;
    }
    this.log.info({ host: id, fault, durationMs, delayMs }, 'fault injected');
    return replyOk({ host: id, fault, faults: { ...host.faults } });
  }

  private healIfDue(host: SimHost): void {
    if (!host.faults.killed && !host.isPartitioned(Date.now())) host.reports.setOnline(this.online);
  }

  private async watchConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect' || status.type === 'staleConnection') this.setOnline(false);
      else if (status.type === 'reconnect') this.setOnline(true);
    }
  }

  private setOnline(online: boolean): void {
    this.online = online;
    const now = Date.now();
    for (const host of this.hosts.values()) {
      if (!host.faults.killed && !host.isPartitioned(now)) host.reports.setOnline(online);
    }
  }
}

/** The layers a host's config names, `sim` when it names none. */
function offeredLayers(config: HostConfig): LayerKind[] {
  return config.layers.length > 0 ? [...new Set(config.layers)] : ['sim'];
}
