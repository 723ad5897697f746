import { PostgresLeaderLease } from '@federa/eventstore';
import { eventually, freshDatabase, type FreshDatabase } from '@federa/testing';
import { Client } from 'pg';

describe('the Postgres leader lease', () => {
  let db: FreshDatabase;
  let admin: Client;
  const leases: PostgresLeaderLease[] = [];

  beforeAll(async () => {
    db = await freshDatabase('eventstore_lease');
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });

  afterAll(async () => {
    for (const lease of leases) await lease.release();
    await admin.end();
    await db.drop();
  });

  function lease(name: string): PostgresLeaderLease {
    const made = new PostgresLeaderLease(db.url, name);
    leases.push(made);
    return made;
  }

  /** The backend pids of this database's sessions holding an advisory lock. */
  async function holderPids(): Promise<number[]> {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
    );
    return rows.map((r) => r.pid);
  }

  async function sessionCount(): Promise<number> {
    const { rows } = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()',
    );
    return rows[0].n;
  }

  it('lets one holder lead per name, while a standby keeps a single connection between attempts', async () => {
    const leader = lease('lease.one');
    const standby = lease('lease.one');
    const other = lease('lease.other');
    expect(await leader.tryAcquire()).toBe(true);
    expect(await standby.tryAcquire()).toBe(false);
    expect(await other.tryAcquire()).toBe(true);
    const sessions = await sessionCount();
    for (let attempt = 0; attempt < 5; attempt++) expect(await standby.holds()).toBe(false);
    expect(await sessionCount()).toBe(sessions);
    await Promise.all([leader.release(), standby.release(), other.release()]);
  });

  it('hands over to a standby when the leader session is terminated, and the old leader learns it lost', async () => {
    const first = lease('lease.terminated');
    const second = lease('lease.terminated');
    expect(await first.holds()).toBe(true);
    expect(await second.holds()).toBe(false);
    const [pid] = await holderPids();
    expect(pid).toBeDefined();

    await admin.query('SELECT pg_terminate_backend($1)', [pid]);

    await eventually(() => second.holds(), 10_000);
    // The lock was freed with the old session only, so the old leader cannot be acting any more.
    expect(await first.verify()).toBe(false);
    expect(first.isHeld).toBe(false);
    expect(await first.holds()).toBe(false);
    expect(await second.holds()).toBe(true);
    expect(await holderPids()).toHaveLength(1);
  });
  it('answers callers that ask at once one after another, on one connection, without queueing queries on it', async () => {
    const before = await sessionCount();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const shared = lease('lease.asked-at-once');
      const answers = await Promise.all([
        shared.holds(),
        shared.holds(),
        shared.tryAcquire(),
        shared.verify(),
        shared.holds(),
      ]);
      expect(answers).toEqual([true, true, true, true, true]);
      expect(await sessionCount()).toBe(before + 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(
        warnings.filter((message) =>
          /client\.query\(\) when the client is already executing/.test(message),
        ),
      ).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
