import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hostLeaseFileName,
  Subjects,
  type AgentHeartbeat,
  type AgentRegistration,
  type CommandReply,
  type HostLease,
} from '@federa/contracts';
import { JSONCodec, type NatsConnection, type Subscription } from 'nats';

const json = JSONCodec();

/** A registration as a real agent would send it, for host `host` in `site`. */
export function registrationOf(host: string, site: string, heartbeatMs: number): AgentRegistration {
  return {
    host,
    site,
    securityLevel: 2,
    layers: ['sim'],
    capacity: {
      cpuMillis: 4000,
      memoryBytes: 8 * 2 ** 30,
      storageBytes: 100 * 2 ** 30,
      bandwidthBps: 1e9,
    },
    costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
    features: { ups: true, raid: true },
    labels: { rack: 'r1' },
    agentRunId: randomUUID(),
    heartbeatMs,
    instances: [],
  };
}

/**
 * Speaks the agent protocol (AgentRegistration, AgentHeartbeat, the lease file) for tests, with
 * switches for the faults the tests need: heartbeats dropped on the bus while the lease is still
 * renewed (a partition), or both stopped.
 */
export class FakeAgent {
  epoch = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private beating = true;
  private notices: Subscription | undefined;
  /** Re-registrations inventory asked for (AgentReregister), as a real agent answers them. */
  readonly reregistered: number[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    readonly host: string,
    readonly site: string,
    private readonly leaseDir: string,
    private readonly heartbeatMs: number,
  ) {}

  /** Sends the registration and answers the reply as is. */
  async registerRaw(payload: object): Promise<CommandReply<{ epoch: number }>> {
    const msg = await this.nc.request(this.subjects.agentRegister, json.encode(payload), {
      timeout: 5000,
    });
    return json.decode(msg.data) as CommandReply<{ epoch: number }>;
  }

  async register(overrides: Partial<AgentRegistration> = {}): Promise<number> {
    const reply = await this.registerRaw({
      ...registrationOf(this.host, this.site, this.heartbeatMs),
      ...overrides,
    });
    if (!reply.ok) throw new Error(`registration refused: ${reply.error.message}`);
    this.epoch = reply.result.epoch;
    this.seq = 0;
    return this.epoch;
  }

  /**
   * Heartbeats and lease renewals every interval until stop(); registers again, for a new epoch,
   * when inventory asks (its host went down, or its epoch is stale).
   */
  start(): void {
    this.notices ??= this.nc.subscribe(this.subjects.agentReregister(this.host), {
      callback: (_error, msg) => {
        const notice = json.decode(msg.data) as { refusedEpoch: number };
        if (notice.refusedEpoch !== this.epoch) return;
        void this.register().then((epoch) => this.reregistered.push(epoch));
      },
    });
    this.tick();
    this.timer = setInterval(() => this.tick(), this.heartbeatMs);
  }

  /** Drops heartbeats on the bus path; the lease keeps being renewed (the process lives). */
  partition(): void {
    this.beating = false;
  }

  heal(): void {
    this.beating = true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.notices?.unsubscribe();
    this.notices = undefined;
  }

  heartbeat(epoch = this.epoch): void {
    const beat: AgentHeartbeat = {
      host: this.host,
      epoch,
      seq: ++this.seq,
      sentAt: Date.now(),
      intervalMs: this.heartbeatMs,
      usage: { cpuMillis: 100, memoryBytes: 2 ** 28, storageBytes: 2 ** 30, networkBytes: 1000 },
      instances: [],
    };
    this.nc.publish(this.subjects.agentHeartbeat(this.host), json.encode(beat));
  }

  private tick(): void {
    if (this.beating) this.heartbeat();
    renewLease(this.leaseDir, { host: this.host, epoch: this.epoch, renewedAt: Date.now() });
  }
}

/** Writes a lease file whole: a temporary file renamed over the old one. */
export function renewLease(leaseDir: string, lease: HostLease): void {
  mkdirSync(leaseDir, { recursive: true });
  const path = join(leaseDir, hostLeaseFileName(lease.host));
  writeFileSync(`${path}.tmp`, JSON.stringify(lease));
  renameSync(`${path}.tmp`, path);
}
