// Shared by the statistics specs: the service as a process of its own, what its consumer has done,
// and its catalogue as tables read back (and rebuilt from the log, to compare).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { catalogueHandler } from '../services/statistics/src/catalogue/infrastructure/catalogue-handler';
import { catchUpFromLog } from '../services/statistics/src/consumer/infrastructure/log-catch-up';
import { ensureConsumerState } from '../services/statistics/src/consumer/infrastructure/consumer-state';
import { StatisticsEventHandlers } from '../services/statistics/src/consumer/statistics-event-handlers';

export interface StatisticsProcess {
  child: ChildProcess;
  output: string[];
}

/** Starts `services/statistics/src/main.ts` as a process of its own. */
export function spawnStatistics(env: Record<string, string>): StatisticsProcess {
  const child = spawn(
    process.execPath,
    ['-r', './bench/eventstore-register.js', 'services/statistics/src/main.ts'],
    {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

/** How many events the consumer has applied (up to its last applied one), and how many the log holds. */
export async function consumerProgress(
  pool: Pool,
  consumer: string,
): Promise<{ handled: number; logged: number; caughtUp: number; lastStreamSeq: number }> {
  const { rows } = await pool.query(
    // Handled: the log's events up to the consumer's last applied one, in the log's order (positions
    // of events no handler wants are not kept, and older ones are pruned).
    `SELECT (SELECT count(*) FROM eventlog.events e
               JOIN statistics.consumer_state s ON s.consumer = $1
               JOIN eventlog.events le ON le.position = s.last_position
              WHERE (e.transaction_id, e.position) <= (le.transaction_id, le.position))::int AS handled,
            (SELECT count(*) FROM eventlog.events)::int AS logged,
            coalesce((SELECT caught_up FROM statistics.consumer_state WHERE consumer = $1), 0)::int
              AS "caughtUp",
            coalesce((SELECT last_stream_seq FROM statistics.consumer_state WHERE consumer = $1), 0)::int
              AS "lastStreamSeq"`,
    [consumer],
  );
  return rows[0];
}

/** The catalogue's three tables, each in a fixed order, as plain rows. */
export async function readCatalogue(pool: Pool) {
  const hosts = await pool.query('SELECT * FROM statistics.hosts ORDER BY id');
  const services = await pool.query('SELECT * FROM statistics.services ORDER BY name');
  const instances = await pool.query('SELECT * FROM statistics.instances ORDER BY id, opened_by');
  return { hosts: hosts.rows, services: services.rows, instances: instances.rows };
}

/**
 * Empties the catalogue and the consumer's record of what it applied, then applies the whole log to
 * the catalogue again, in one pass from the log: what a new statistics database would hold.
 */
export async function rebuildCatalogue(pool: Pool, store: EventStore): Promise<void> {
  await pool.query(`TRUNCATE statistics.hosts, statistics.services, statistics.instances`);
  const consumer = 'rebuild';
  await pool.query('DELETE FROM statistics.handled_positions WHERE consumer = $1', [consumer]);
  await pool.query('DELETE FROM statistics.consumer_state WHERE consumer = $1', [consumer]);
  await ensureConsumerState(pool, consumer);
  const handlers = new StatisticsEventHandlers();
  handlers.register(catalogueHandler);
  await catchUpFromLog(
    { pool, store, consumer, handlers, subject: 'rebuild' },
    { kind: 'log-end', streamSeq: Number.MAX_SAFE_INTEGER },
  );
}

/** Ends the process with `signal`; one that has not exited 20 s after a SIGTERM is killed. */
export async function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
