import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Subjects, type AgentReregister } from '@federa/contracts';
import { SubjectGuard, connectNats } from '@federa/messaging';
import type { NatsConnection, Subscription } from 'nats';
import { LivenessTracker } from '../domain/liveness-tracker';
import { ReregisterThrottle } from '../domain/reregister-throttle';
import type { InventoryConfig } from '../inventory-config';
import { INVENTORY_CONFIG } from '../infrastructure/inventory-tokens';
import { checkHeartbeatFields } from './heartbeat-fields';
import { HostRoster } from '../infrastructure/host-roster';
import { LivenessLoop } from '../liveness/liveness.loop';

/** A refused heartbeat is logged at most this often per host. */
const complaintEveryMs = 60_000;

/**
 * Feeds every agent heartbeat (`agent.*.heartbeat`, core NATS, no queue group: each replica keeps
 * its own liveness view, so that a standby taking over knows when each host was last heard) into
 * the liveness tracker. Heartbeats are not events; only the changes they cause are. Subscribed on
 * a connection of its own, without Nest's per-message pipeline, because at 10,000 hosts this is
 * the hot path.
 */
@Injectable()
export class HeartbeatListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Heartbeats');
  private connection: NatsConnection | undefined;
  private subscription: Subscription | undefined;
  private readonly complainedAt = new Map<string, number>();
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private subjects: Subjects | undefined;
  private readonly notices = new ReregisterThrottle();
  /** Heartbeats taken and refused since start, for the metrics and the benchmark. */
  readonly counts = { accepted: 0, ignored: 0, malformed: 0, reregisterAsked: 0 };

  constructor(
    private readonly tracker: LivenessTracker,
    private readonly loop: LivenessLoop,
    private readonly roster: HostRoster,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const subjects = new Subjects(this.config.federa.subjectPrefix);
    this.subjects = subjects;
    this.connection = await connectNats(this.config.federa.natsUrl, 'federa-inventory-heartbeats');
    const guard = new SubjectGuard(subjects.allHeartbeats, (line) => this.logger.warn(line));
    this.subscription = this.connection.subscribe(subjects.allHeartbeats, {
      callback: (error, msg) => {
        if (error || !guard.admits(msg.subject)) return;
        // `<prefix>.agent.<host>.heartbeat`; a prefix never holds a dot.
        this.take(msg.subject.split('.')[2], msg.data);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    await this.connection?.close();
  }

  private take(subjectHost: string, data: Uint8Array): void {
    let plain: unknown;
    try {
      plain = JSON.parse(this.decoder.decode(data));
    } catch {
      plain = undefined;
    }
    const checked = checkHeartbeatFields(plain, subjectHost);
    if (!checked.ok) {
      this.counts.malformed++;
      this.complain(
        subjectHost,
        checked.errors.map((e) => `${e.path || '(root)'}: ${e.reason}`).join('; '),
      );
      return;
    }
    // Proof of life at its arrival: `sentAt` is the agent's clock, never compared with ours.
    const { host, epoch, seq } = checked.value;
    const outcome = this.tracker.heartbeat(host, epoch, seq);
    if (!outcome.accepted) {
      this.counts.ignored++;
      // Another replica may have registered it: the roster looks it up (and reports it if not).
      if (outcome.reason === 'unknown-host') {
        this.roster.seek(host);
      } else if (outcome.reason === 'stale-epoch' || outcome.reason === 'host-down') {
        this.complain(host, `ignored: ${outcome.reason}; asked the agent to register again`);
        this.askToReregister({ host, refusedEpoch: epoch, reason: outcome.reason });
      }
      return;
    }
    this.counts.accepted++;
    if (outcome.change) this.loop.record(outcome.change);
  }

  /**
   * An agent refused on every heartbeat would otherwise never learn it: it asks for a new epoch
   * (docs/reference/agent-protocol.md#re-registration). Lost notices are made up for by the next
   * refused heartbeat, a throttle interval later.
   */
  private askToReregister(notice: AgentReregister): void {
    if (!this.connection || !this.subjects || !this.notices.take(notice.host, Date.now())) return;
    this.counts.reregisterAsked++;
    try {
      this.connection.publish(
        this.subjects.agentReregister(notice.host),
        this.encoder.encode(JSON.stringify(notice)),
      );
    } catch {
      // A connection closing with the module: the agent will be asked by whoever runs next.
    }
  }

  private complain(host: string, what: string): void {
    const now = Date.now();
    if (now - (this.complainedAt.get(host) ?? 0) < complaintEveryMs) return;
    this.complainedAt.set(host, now);
    this.logger.warn(`heartbeat of ${host} refused: ${what}`);
  }
}
