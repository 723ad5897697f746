import { advisoryLockKey } from '@federa/eventstore';
import { Client } from 'pg';
import type { SagaOwnership } from '../saga/saga-ownership';

/** Longest wait for connecting or for one query on the ownership connection. */
const ownershipTimeoutMs = 5000;

/** The advisory lock name of one saga's owner lease. */
export function sagaLeaseName(migration: string): string {
  return `federa.migration.saga.${migration}`;
}

/**
 * Owner leases of sagas as session advisory locks, all on one connection of this replica: Postgres
 * drops them with the session when the replica dies, so a saga's lease is free exactly when nobody
 * can be running it. A broken connection loses every lease at once (each runner stops at its next
 * check) and the next claim opens a new one.
 */
export class PostgresSagaOwnership implements SagaOwnership {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly held = new Set<string>();
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  async claim(migration: string): Promise<boolean> {
    if (this.held.has(migration)) return false;
    let client: Client | undefined;
    try {
      client = await this.connection();
      const result = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS ok',
        [advisoryLockKey(sagaLeaseName(migration))],
      );
      if (!result.rows[0].ok || client !== this.client) return false;
      this.held.add(migration);
      return true;
    } catch {
      this.drop(client);
      return false;
    }
  }

  async owns(migration: string): Promise<boolean> {
    const client = this.client;
    if (!client || !this.held.has(migration)) return false;
    try {
      await client.query('SELECT 1');
    } catch {
      this.drop(client);
    }
    return this.held.has(migration);
  }

  async release(migration: string): Promise<void> {
    const client = this.client;
    if (!this.held.delete(migration) || !client) return;
    try {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [
        advisoryLockKey(sagaLeaseName(migration)),
      ]);
    } catch {
      this.drop(client);
    }
  }

  /** Gives every lease back (the replica stops): other replicas take its sagas over. */
  async close(): Promise<void> {
    const client = this.client;
    this.closed = true;
    this.held.clear();
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.closed) return Promise.reject(new Error('the migration service is stopping'));
    this.connecting ??= (async () => {
      // Bounded waits: a hung connection must cost the leases, not stall the runners checking them.
      const client = new Client({
        connectionString: this.databaseUrl,
        keepAlive: true,
        connectionTimeoutMillis: ownershipTimeoutMs,
        query_timeout: ownershipTimeoutMs,
      });
      client.on('error', () => this.drop(client));
      client.on('end', () => this.drop(client));
      try {
        await client.connect();
        if (this.closed) throw new Error('the migration service is stopping');
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Forgets a broken connection and every lease it held, unless a newer one replaced it. */
  private drop(client: Client | undefined): void {
    if (!client || client !== this.client) return;
    this.client = undefined;
    this.held.clear();
    client.end().catch(() => undefined);
  }
}
