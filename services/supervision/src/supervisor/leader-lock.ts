import { Client } from 'pg';

/**
 * One active supervisor per database: a session advisory lock held on a connection of its own. If the
 * holder dies its session ends and another replica takes over at its next attempt.
 */
export class LeaderLock {
  private client: Client | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly key = 'federa.supervision.leader',
  ) {}

  /** True when this process holds the lock (taking it if free). */
  async holds(): Promise<boolean> {
    if (this.client) return true;
    const client = new Client({ connectionString: this.databaseUrl });
    client.on('error', () => (this.client = undefined));
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
      [this.key],
    );
    if (rows[0]?.ok) {
      this.client = client;
      return true;
    }
    await client.end();
    return false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
