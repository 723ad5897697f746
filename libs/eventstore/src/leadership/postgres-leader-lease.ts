import { Client } from 'pg';
import { advisoryLockKey } from './advisory-lock-key';

/** Longest wait for connecting or for one query on the lease's connection. */
const leaseTimeoutMs = 5000;

/**
 * Leadership held as a session advisory lock on a connection of its own: when the holder dies or its
 * session is terminated, Postgres drops the lock with the session, a standby's next tryAcquire() wins,
 * and the old holder's next verify() answers false. A standby keeps its one connection between attempts.
 */
export class PostgresLeaderLease {
  private client: Client | undefined;
  private held = false;
  private readonly key: string;
  /** The last lease query asked: the next waits for it, as one connection runs one query at a time. */
  private tail: Promise<unknown> = Promise.resolve();

  /** `name` identifies the leadership (one leader per name and database). */
  constructor(
    private readonly databaseUrl: string,
    readonly name: string,
  ) {
    this.key = advisoryLockKey(name);
  }

  /** What this process last knew: true from a successful take-over until a failure or verify() says otherwise. */
  get isHeld(): boolean {
    return this.held;
  }

  /** True when this process holds the lease now (taking it if it is free). */
  tryAcquire(): Promise<boolean> {
    return this.oneAtATime(() => this.acquire());
  }

  /** Checks that the lease's session is still alive; false (and lease dropped) when it is not. */
  verify(): Promise<boolean> {
    return this.oneAtATime(() => this.check());
  }

  /** verify() when held, tryAcquire() when not: what a leader's periodic tick asks. */
  holds(): Promise<boolean> {
    return this.oneAtATime(() => (this.held ? this.check() : this.acquire()));
  }

  /**
   * Runs lease queries one after another: callers that ask at once (several jobs of one service)
   * would otherwise open two connections for one lease, or queue queries on one client, which pg
   * deprecates.
   */
  private oneAtATime(ask: () => Promise<boolean>): Promise<boolean> {
    const answer = this.tail.then(ask, ask);
    this.tail = answer.catch(() => undefined);
    return answer;
  }

  private async acquire(): Promise<boolean> {
    if (this.held) return true;
    try {
      if (!this.client) {
        // Bounded waits: a hung connection must cost the lease (and a tick), not stall its holder.
        const client = new Client({
          connectionString: this.databaseUrl,
          keepAlive: true,
          connectionTimeoutMillis: leaseTimeoutMs,
          query_timeout: leaseTimeoutMs,
        });
        client.on('error', () => this.drop(client));
        client.on('end', () => this.drop(client));
        this.client = client;
        await client.connect();
      }
      const result = await this.client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS ok',
        [this.key],
      );
      this.held = result.rows[0].ok;
    } catch {
      this.drop(this.client);
    }
    return this.held;
  }

  private async check(): Promise<boolean> {
    const client = this.client;
    if (!client) this.held = false;
    if (!this.held || !client) return false;
    try {
      await client.query('SELECT 1');
    } catch {
      this.drop(client);
    }
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.held = false;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Forgets a broken connection (closing it), unless a newer one has replaced it meanwhile. */
  private drop(client: Client | undefined): void {
    if (!client || client !== this.client) return;
    this.held = false;
    this.client = undefined;
    client.end().catch(() => undefined);
  }
}
