import { eventually, freshDatabase, type FreshDatabase } from '@federa/testing';
import { Client } from 'pg';
import { advisoryLockKey } from '@federa/eventstore';
import {
  PostgresSagaOwnership,
  sagaLeaseName,
} from '../services/migration/src/infrastructure/postgres-saga-ownership';

/** Two migration replicas' owner leases of sagas, on one real database. */
describe('owner leases of migration sagas', () => {
  let db: FreshDatabase;
  let admin: Client;
  const replicas: PostgresSagaOwnership[] = [];

  beforeAll(async () => {
    db = await freshDatabase('migration_owner_lease');
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await admin.end();
    await db.drop();
  });

  function replica(): PostgresSagaOwnership {
    const made = new PostgresSagaOwnership(db.url);
    replicas.push(made);
    return made;
  }

  it('gives a saga to one replica at a time, and to another once the owner gives it back', async () => {
    const a = replica();
    const b = replica();
    expect(await a.claim('mig-1')).toBe(true);
    expect(await b.claim('mig-1')).toBe(false);
    expect(await a.claim('mig-1')).toBe(false);
    expect(await b.claim('mig-2')).toBe(true);
    await a.release('mig-1');
    expect(await a.owns('mig-1')).toBe(false);
    expect(await b.claim('mig-1')).toBe(true);
  });

  it('frees every saga of a replica whose session is gone, and tells that replica it owns none', async () => {
    const a = replica();
    const b = replica();
    expect(await a.claim('mig-3')).toBe(true);
    expect(await a.claim('mig-4')).toBe(true);
    expect(await a.owns('mig-3')).toBe(true);
    // What a killed process leaves behind: its session ends without a word.
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [advisoryLockKey(sagaLeaseName('mig-3'))],
    );
    await eventually(async () => (await b.claim('mig-3')) && (await b.claim('mig-4')), 10_000, 100);
    expect(await a.owns('mig-3')).toBe(false);
    expect(await a.owns('mig-4')).toBe(false);
  });
});
