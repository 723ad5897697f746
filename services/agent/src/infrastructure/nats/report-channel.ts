import { cleanAgentText, type AgentReport } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import { HeldReports } from '../../domain/held-reports';
import { ReportOutbox } from '../../domain/report-outbox';
import type { ReportDraft } from '../../domain/report-draft';

const encoder = new TextEncoder();
const BATCH = 256;
const CONFIRM_TIMEOUT_MS = 5000;
const RETRY_MS = 1000;

/**
 * Publishes a host's reports on `Subjects.agentReport(host)` at least once and in order: each is
 * stamped with a sequence, kept in a bounded outbox until the server confirms it (a flush round
 * trip), and re-sent after a reconnect. While the bus is down reports wait, oldest first.
 */
export class ReportChannel {
  private seq = 0;
  private readonly outbox: ReportOutbox<AgentReport>;
  private connection: NatsConnection | undefined;
  private online = false;
  private pumping = false;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  /**
   * Reports made before the first epoch, with when: they are sent under it once it is known. As
   * bounded as the outbox: an agent refused registration for long keeps reporting what it adopted.
   */
  private readonly held: HeldReports;

  constructor(
    private readonly subject: string,
    private readonly identity: { host: string; runId: string; epoch: () => number | undefined },
    /** @default 10000 */
    capacity = 10_000,
  ) {
    this.outbox = new ReportOutbox(capacity);
    this.held = new HeldReports(capacity);
  }

  /** Reports waiting for the bus (or for the first epoch). */
  get pending(): number {
    return this.outbox.size + this.held.size;
  }

  /**
   * Reports dropped because the outbox was full (the oldest go first), or because too many were held
   * before the first epoch (an instance's older states first, then the oldest).
   */
  get dropped(): number {
    return this.outbox.dropped + this.held.dropped;
  }

  /**
   * Stamps a report with the epoch it is made under and queues it. One made before the agent has
   * an epoch (what it adopted or found dead at its start) waits for the first one: an epoch-less
   * report could be told from a fenced one by no receiver.
   */
  emit(draft: ReportDraft): void {
    const epoch = this.identity.epoch();
    if (epoch === undefined) {
      this.held.push({ draft, at: Date.now() });
      return;
    }
    this.stamp(draft, epoch, Date.now());
    void this.pump();
  }

  /** The agent has its epoch: reports made before it go out under it, in the order they were made. */
  epochKnown(): void {
    const epoch = this.identity.epoch();
    if (epoch === undefined || this.held.size === 0) return;
    for (const { draft, at } of this.held.takeAll()) this.stamp(draft, epoch, at);
    void this.pump();
  }

  private stamp(draft: ReportDraft, epoch: number, sentAt: number): void {
    this.outbox.push({
      ...draft,
      // What the log cannot store (NUL, lone surrogates) would make every receiver drop the report.
      ...(draft.detail !== undefined ? { detail: cleanAgentText(draft.detail) } : {}),
      host: this.identity.host,
      epoch,
      runId: this.identity.runId,
      seq: ++this.seq,
      sentAt,
    });
  }

  /** Binds the channel to a connection and says whether the bus is reachable now. */
  setConnection(connection: NatsConnection | undefined, online: boolean): void {
    this.connection = connection;
    this.setOnline(online);
  }

  setOnline(online: boolean): void {
    this.online = online && this.connection !== undefined;
    if (this.online) void this.pump();
  }

  close(): void {
    this.online = false;
    clearTimeout(this.retry);
  }

  private async pump(): Promise<void> {
    if (!this.online) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (this.online && this.outbox.size > 0 && this.connection) {
          const batch = this.outbox.peek(BATCH);
          for (const report of batch)
            this.connection.publish(this.subject, encoder.encode(JSON.stringify(report)));
          await withTimeout(this.connection.flush(), CONFIRM_TIMEOUT_MS);
          this.outbox.confirmThrough(batch[batch.length - 1].seq);
        }
      } while (this.again && this.online);
    } catch {
      // Unconfirmed reports stay in the outbox; try again shortly (and at the next reconnect).
      clearTimeout(this.retry);
      this.retry = setTimeout(() => void this.pump(), RETRY_MS);
      this.retry.unref();
    } finally {
      this.pumping = false;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no confirmation within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
