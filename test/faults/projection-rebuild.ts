import {
  migrateEventStore,
  PostgresEventStore,
  ProjectionRunner,
  readCheckpoint,
  type Projection,
} from '@federa/eventstore';
import { freshDatabase } from '@federa/testing';
import { Client, Pool } from 'pg';
import { HostProjection } from '../../services/inventory/src/infrastructure/host-projection';
import { MigrationProjection } from '../../services/migration/src/infrastructure/migration-projection';
import { SupervisionProjection } from '../../services/supervision/src/infrastructure/supervision-projection';
import { rowDifferences, type KeyedRows } from './row-diff';

/** A read model the services keep in Postgres: its projection and its tables, each by its key. */
interface ReadModel {
  projection: Projection;
  tables: { name: string; key: string }[];
}

/**
 * Every read model a service keeps from the log in Postgres. Statistics is not among them: it is fed
 * from JetStream, not from the log through a projection runner, so it has no rebuild to compare with.
 * No column is left out: each one (updated_at and registered_at included) is taken from the events,
 * not from the time the projection ran, so a rebuild must give it back exactly.
 */
const readModels = (): ReadModel[] => [
  {
    projection: new HostProjection(),
    tables: [
      { name: 'inventory.hosts', key: 'id' },
      { name: 'inventory.host_instances', key: 'instance' },
    ],
  },
  {
    projection: new SupervisionProjection(),
    tables: [
      { name: 'supervision.services', key: 'name' },
      { name: 'supervision.instances', key: 'id' },
      { name: 'supervision.hosts', key: 'id' },
    ],
  },
  {
    projection: new MigrationProjection(),
    tables: [{ name: 'migration.migrations', key: 'id' }],
  },
];

/** A reader's place in the log, in the readers' (transaction id, position) order. */
interface Checkpoint {
  transactionId: string;
  position: number;
}

/** What comparing every read model with its rebuild found. */
export interface ProjectionComparison {
  /** The read models compared, each with the log position it had reached. */
  compared: string[];
  /** Read models this plane never ran (no checkpoint), left out. */
  absent: string[];
  /** Read models behind the log's head (a follower that did not resume, or not yet). */
  behind: string[];
  /** Rows that differ between a read model and its rebuild, one line each. */
  differences: string[];
}

/**
 * Compares each read model of the database at `databaseUrl` with a rebuild of it from the same log:
 * one snapshot (REPEATABLE READ) of every read model and its checkpoint, then, in a scratch database
 * of the same server, the log copied up to each checkpoint and the same projection replayed over it.
 * The live tables are only read: services keep running on them meanwhile.
 */
export async function compareProjectionsWithRebuild(
  databaseUrl: string,
): Promise<ProjectionComparison> {
  const models = readModels();
  const snapshot = await snapshotLive(databaseUrl, models);
  const result: ProjectionComparison = { compared: [], absent: [], behind: [], differences: [] };
  const present = models.filter((m) => {
    const state = snapshot.get(m.projection.name);
    if (!state) result.absent.push(m.projection.name);
    else if (!state.atHead) result.behind.push(`${m.projection.name} at ${show(state.checkpoint)}`);
    return state !== undefined;
  });
  if (present.length === 0) return result;

  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  server.search = '';
  const scratch = await freshDatabase('fault_rebuild', server.toString());
  const pool = new Pool({ connectionString: scratch.url, max: 3 });
  const live = new Client({ connectionString: databaseUrl });
  await live.connect();
  try {
    await migrateEventStore(pool);
    // Each model replayed as far as its own checkpoint: the log is copied in steps, the model
    // furthest behind first, and each rebuilt right after its step.
    const ordered = [...present].sort((a, b) =>
      compareCheckpoints(
        snapshot.get(a.projection.name)!.checkpoint,
        snapshot.get(b.projection.name)!.checkpoint,
      ),
    );
    let copied: Checkpoint = { transactionId: '0', position: 0 };
    for (const model of ordered) {
      const { checkpoint, rows } = snapshot.get(model.projection.name)!;
      await copyEvents(live, pool, copied, checkpoint);
      copied = checkpoint;
      await rebuildTo(pool, model.projection, checkpoint);
      const rebuilt = await readTables(pool, model.tables);
      for (const table of model.tables)
        result.differences.push(
          ...rowDifferences(table.name, rows.get(table.name)!, rebuilt.get(table.name)!),
        );
      result.compared.push(`${model.projection.name} at ${show(checkpoint)}`);
    }
    return result;
  } finally {
    await live.end();
    await pool.end();
    await scratch.drop();
  }
}

interface LiveModel {
  checkpoint: Checkpoint;
  /** Whether every event of the snapshot is at or before its checkpoint. */
  atHead: boolean;
  rows: Map<string, KeyedRows>;
}

/** Every model's checkpoint and rows as one transaction sees them (projections commit both together). */
async function snapshotLive(
  databaseUrl: string,
  models: ReadModel[],
): Promise<Map<string, LiveModel>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = new Map<string, LiveModel>();
    for (const model of models) {
      const { rows } = await client.query<{ tx: string; position: string; at_head: boolean }>(
        `SELECT c.transaction_id::text AS tx, c.position,
                NOT EXISTS (SELECT 1 FROM eventlog.events e
                             WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)) AS at_head
           FROM eventlog.checkpoints c WHERE c.name = $1`,
        [model.projection.name],
      );
      const row = rows[0];
      // No checkpoint: this plane never ran the model. One at the start of an empty log: nothing to compare.
      if (!row || (Number(row.position) === 0 && row.at_head)) continue;
      snapshot.set(model.projection.name, {
        checkpoint: { transactionId: row.tx, position: Number(row.position) },
        atHead: row.at_head,
        rows: await readTables(client, model.tables),
      });
    }
    await client.query('COMMIT');
    return snapshot;
  } finally {
    await client.end();
  }
}

/** Each table's rows by key, every column as its JSON value (json columns with their key order). */
async function readTables(
  db: Pick<Client, 'query'>,
  tables: ReadModel['tables'],
): Promise<Map<string, KeyedRows>> {
  const result = new Map<string, KeyedRows>();
  for (const table of tables) {
    const { rows } = await db.query<{ row: string }>(
      `SELECT row_to_json(t)::text AS row FROM ${table.name} t`,
    );
    const keyed: KeyedRows = new Map();
    for (const { row } of rows) {
      const parsed = JSON.parse(row) as Record<string, unknown>;
      keyed.set(String(parsed[table.key]), parsed);
    }
    result.set(table.name, keyed);
  }
  return result;
}

/** Copies the live log's events after `from` up to `to` (inclusive) into the scratch database, as they are. */
async function copyEvents(live: Client, scratch: Pool, from: Checkpoint, to: Checkpoint) {
  const { rows } = await live.query<{ row: unknown }>(
    `SELECT to_jsonb(e) AS row FROM eventlog.events e
      WHERE (e.transaction_id, e.position) > ($1::xid8, $2::bigint)
        AND (e.transaction_id, e.position) <= ($3::xid8, $4::bigint)
      ORDER BY e.transaction_id, e.position`,
    [from.transactionId, from.position, to.transactionId, to.position],
  );
  for (let start = 0; start < rows.length; start += 500)
    await scratch.query(
      `INSERT INTO eventlog.events
         SELECT * FROM jsonb_populate_recordset(NULL::eventlog.events, $1::jsonb)`,
      [JSON.stringify(rows.slice(start, start + 500).map((r) => r.row))],
    );
}

/**
 * Replays the whole scratch log into the projection and waits until it has applied all of it: the
 * copied events keep their transaction ids, which readers see only once every transaction of the
 * server older than them has ended.
 */
async function rebuildTo(pool: Pool, projection: Projection, target: Checkpoint): Promise<void> {
  const runner = new ProjectionRunner(pool, new PostgresEventStore(pool), projection);
  await runner.rebuild();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reached = await readCheckpoint(pool, projection.name);
    if (compareCheckpoints(reached, target) >= 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `the rebuild of ${projection.name} reached ${show(reached)}, not ${show(target)}, in 30 s`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runner.catchUp();
  }
}

function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const [ta, tb] = [BigInt(a.transactionId), BigInt(b.transactionId)];
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.position - b.position;
}

function show(checkpoint: Checkpoint): string {
  return `position ${checkpoint.position} (transaction ${checkpoint.transactionId})`;
}
