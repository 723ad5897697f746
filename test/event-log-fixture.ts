// The event store specs' own event log: a fresh database with a pool and a store, and events to append.
import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@federa/contracts';
import {
  acceptAnyObject,
  migrateEventStore,
  PostgresEventStore,
  type EventValidator,
} from '@federa/eventstore';
import { freshDatabase, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';

export interface TestEventLog {
  db: FreshDatabase;
  pool: Pool;
  store: PostgresEventStore;
  /** Ends the pool, then drops the database. */
  close(): Promise<void>;
}

export interface TestEventLogOptions {
  /** The pool's connections; a test of concurrent writers wants one per writer. @default 4 */
  poolSize?: number;
  /** The store's event check. @default acceptAnyObject: free-form test events */
  validate?: EventValidator;
}

/** A migrated event log in a database of its own, named after `label`. */
export async function openTestEventLog(
  label: string,
  options: TestEventLogOptions = {},
): Promise<TestEventLog> {
  const db = await freshDatabase(label);
  const pool = new Pool({ connectionString: db.url, max: options.poolSize ?? 4 });
  const close = async () => {
    await pool.end();
    await db.drop();
  };
  try {
    await migrateEventStore(pool);
  } catch (error) {
    await close();
    throw error;
  }
  const store = new PostgresEventStore(pool, { validate: options.validate ?? acceptAnyObject });
  return { db, pool, store, close };
}

/** An event with metadata that passes any store's check: a new correlation id, actor `test`, now. */
export function testEvent(type: string, data: unknown): NewEvent {
  return {
    type,
    data,
    metadata: { correlationId: randomUUID(), actor: 'test', occurredAt: new Date().toISOString() },
  };
}

/** Requires `host` (string) in HostRegistered data, as the contracts registry would. */
export const hostRegisteredNeedsHost: EventValidator = ({ type, data }) => {
  if (type !== 'HostRegistered') return { ok: true, schemaVersion: 1 };
  const host = (data as { host?: unknown } | null)?.host;
  return typeof host === 'string'
    ? { ok: true, schemaVersion: 1 }
    : { ok: false, errors: [{ path: 'data.host', reason: 'must be a string' }] };
};

/** Every event `readAll` shows, page after page, upcast as services read them. */
export async function readWholeLog(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let checkpoint = null;
  for (;;) {
    const page = await store.readAll(checkpoint, 1000);
    if (page.events.length === 0) return all;
    all.push(...page.events);
    checkpoint = page.checkpoint;
  }
}
