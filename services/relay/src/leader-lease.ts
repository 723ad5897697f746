import { Client } from 'pg';

/** Any constant: the advisory lock key that makes one relay active per database. */
export const relayLockKey = 0x0fede7a2;

/**
 * Leadership held as a session advisory lock on a connection of its own: when the holder dies, Postgres
 * drops its session and the lock with it, and a standby's next tryAcquire() wins.
 */
export class PostgresLeaderLease {
  private client: Client | undefined;
  private held = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly key = relayLockKey,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** True when this process holds the lease now (taking it if it is free). */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.databaseUrl });
        client.on('error', () => this.drop(client));
        client.on('end', () => this.drop(client));
        await client.connect();
        this.client = client;
      }
      const result = await this.client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS ok',
        [this.key],
      );
      this.held = result.rows[0].ok;
    } catch {
      this.drop(this.client);
    }
    return this.held;
  }

  /** Checks that the lease's connection is still alive; false (and lease dropped) when it is not. */
  async verify(): Promise<boolean> {
    if (!this.held || !this.client) return false;
    try {
      await this.client.query('SELECT 1');
    } catch {
      this.drop(this.client);
    }
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.drop(client);
    await client?.end().catch(() => undefined);
  }

  private drop(client: Client | undefined): void {
    if (client && client !== this.client) return;
    this.held = false;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}
