import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { acceptAnyObject, PostgresEventStore, ProjectionRunner } from '@federa/eventstore';
import { eventually } from '@federa/testing';
import { Pool } from 'pg';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';
import { EventTallyProjection } from './eventstore-projection-worker';

// Processes start, die and restart here, and the tests' own bounded waits add up to more than the
// global 60 s (jest.config.js): a slow but healthy run must fail on those waits, not on jest's timeout.
jest.setTimeout(90_000);

const root = join(__dirname, '..');

const event = (n: number) => testEvent(n % 2 ? 'HostCordoned' : 'HostUncordoned', { n });

function startWorker(
  databaseUrl: string,
  schema: string,
): { child: ChildProcess; lines: string[] } {
  const child = spawn(
    process.execPath,
    ['-r', './bench/eventstore-register.js', 'test/eventstore-projection-worker.ts'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PROJECTION_SCHEMA: schema },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) =>
    lines.push(...chunk.toString().split('\n').filter(Boolean)),
  );
  return { child, lines };
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a projection', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;
  const total = 600;

  beforeAll(async () => {
    log = await openTestEventLog('es_projection', { poolSize: 8 });
    ({ pool, store } = log);
    for (let s = 0; s < 20; s++) {
      await store.append(
        `host-${s}`,
        'no-stream',
        Array.from({ length: total / 20 }, (_, i) => event(i)),
      );
    }
  });

  afterAll(() => log?.close());

  async function rows(schema: string) {
    const applied = await pool.query(
      `SELECT event_id, position, type FROM ${schema}.applied ORDER BY position, event_id`,
    );
    const perStream = await pool.query(
      `SELECT stream_id, events, last_version FROM ${schema}.per_stream ORDER BY stream_id`,
    );
    return { applied: applied.rows, perStream: perStream.rows };
  }

  async function checkpointPosition(name: string): Promise<number> {
    const result = await pool.query('SELECT position FROM eventlog.checkpoints WHERE name = $1', [
      name,
    ]);
    return Number(result.rows[0]?.position ?? 0);
  }

  it('killed with SIGKILL in the middle of a batch resumes with no lost and no doubled row', async () => {
    const schema = 'tally_killed';
    const first = startWorker(log.db.url, schema);
    try {
      // Wait until some batches are committed and the worker is inside another one.
      await eventually(async () => (await checkpointPosition(`${schema}.tally`)) >= 100, 30_000);
      const before = first.lines.length;
      await eventually(() => first.lines.length > before, 10_000, 5);
    } finally {
      await killed(first.child);
    }
    expect(first.child.signalCode).toBe('SIGKILL');
    const atKill = await checkpointPosition(`${schema}.tally`);
    const partial = await rows(schema);
    // Exactly the events up to the committed checkpoint are applied: nothing of the killed batch remains.
    expect(partial.applied.map((r) => Number(r.position))).toEqual(
      Array.from({ length: partial.applied.length }, (_, i) => i + 1),
    );
    expect(partial.applied.length).toBe(atKill);
    expect(atKill).toBeLessThan(total);

    const second = startWorker(log.db.url, schema);
    try {
      await eventually(async () => (await checkpointPosition(`${schema}.tally`)) === total, 60_000);
    } finally {
      await killed(second.child);
    }
    const complete = await rows(schema);
    expect(complete.applied).toHaveLength(total);
    expect(new Set(complete.applied.map((r) => r.event_id)).size).toBe(total);
    expect(complete.perStream).toHaveLength(20);
    for (const stream of complete.perStream) {
      expect(stream).toMatchObject({ events: total / 20, last_version: String(total / 20) });
    }

    const runner = new ProjectionRunner(pool, store, new EventTallyProjection(schema), {
      batchSize: 128,
    });
    expect(await runner.rebuild()).toBe(total);
    expect(await rows(schema)).toEqual(complete);
  });

  it('run by two runners at once applies every event exactly once', async () => {
    const schema = 'tally_twice';
    const runners = [1, 2].map(
      () => new ProjectionRunner(pool, store, new EventTallyProjection(schema), { batchSize: 25 }),
    );
    const applied = await Promise.all(runners.map((r) => r.catchUp()));
    expect(applied[0] + applied[1]).toBe(total);
    const { applied: rowsApplied } = await rows(schema);
    expect(rowsApplied.map((r) => Number(r.position))).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
  });

  // The tests above count on exactly `total` events in the log; the ones below add more.

  async function logPositions(): Promise<number[]> {
    const result = await pool.query('SELECT position FROM eventlog.events ORDER BY position');
    return result.rows.map((r) => Number(r.position));
  }

  it('rebuilds through the cursor while events are appended, applying every event once', async () => {
    const schema = 'tally_rebuild_live';
    const runner = new ProjectionRunner(pool, store, new EventTallyProjection(schema), {
      batchSize: 40,
      rebuildBatchSize: 64,
    });
    await runner.catchUp();
    const appending = (async () => {
      for (let i = 0; i < 20; i++) {
        await store.append(
          'host-live',
          i === 0 ? 'no-stream' : i * 5,
          Array.from({ length: 5 }, (_, k) => event(i * 5 + k)),
        );
      }
    })();
    const rebuilt = await runner.rebuild();
    await appending;
    const positions = await logPositions();
    // Anything appended after the rebuild's last look comes with the next catch-up (a transaction open
    // elsewhere on the shared server can hold readers back for a while).
    await eventually(async () => {
      await runner.catchUp();
      return (await rows(schema)).applied.length === positions.length;
    }, 20_000);
    expect(rebuilt).toBeGreaterThanOrEqual(total);
    expect((await rows(schema)).applied.map((r) => Number(r.position))).toEqual(positions);
  });

  it('catches up on a pool of one connection, where no cursor can be held beside the transaction', async () => {
    const single = new Pool({ connectionString: log.db.url, max: 1 });
    try {
      const schema = 'tally_single';
      const runner = new ProjectionRunner(
        single,
        new PostgresEventStore(single, { validate: acceptAnyObject }),
        new EventTallyProjection(schema),
        { batchSize: 100 },
      );
      const positions = await logPositions();
      await eventually(async () => {
        await runner.catchUp();
        return (await rows(schema)).applied.length === positions.length;
      }, 20_000);
      expect((await rows(schema)).applied.map((r) => Number(r.position))).toEqual(positions);
    } finally {
      await single.end();
    }
  });
});
