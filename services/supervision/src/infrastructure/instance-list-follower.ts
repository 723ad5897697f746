import { logStart, type EventStore, type LogCheckpoint } from '@federa/eventstore';
import {
  InstanceListFollower as LogInstanceList,
  type InstanceListFollowerOptions,
  type InstanceView,
} from '@federa/instance-list';
import type { Pool } from 'pg';
import { supervisionReadModelName } from './supervision-projection';

/**
 * Supervision's instance lists from memory (@federa/instance-list), loaded from its read model's
 * rows and the checkpoint they were written at (one snapshot) rather than the whole log, then kept
 * by reading the log itself.
 */
export class InstanceListFollower extends LogInstanceList {
  constructor(
    pool: Pool,
    store: EventStore,
    options: Omit<InstanceListFollowerOptions, 'snapshot'> = {},
    /** The read model whose rows and checkpoint memory starts from. */
    readModel = supervisionReadModelName,
  ) {
    super(pool, store, { ...options, snapshot: (put) => readModelSnapshot(pool, readModel, put) });
  }
}

/** The read model's rows and the checkpoint they were written at, in one snapshot. */
async function readModelSnapshot(
  pool: Pool,
  readModel: string,
  put: (view: InstanceView, id: string) => void,
): Promise<LogCheckpoint> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const checkpoint = await client.query<{ transaction_id: string; position: string }>({
      text: 'SELECT transaction_id, position FROM eventlog.checkpoints WHERE name = $1',
      values: [readModel],
    });
    const table = await client.query<{ name: string | null }>(
      `SELECT to_regclass('supervision.instances')::text AS name`,
    );
    // Without its checkpoint the rows mean nothing: memory replays the log from its start.
    const at = checkpoint.rows[0];
    const rows =
      at !== undefined && table.rows[0].name !== null
        ? (
            await client.query<{ id: string; view: InstanceView }>(
              'SELECT id, view FROM supervision.instances',
            )
          ).rows
        : undefined;
    await client.query('COMMIT');
    if (at === undefined || rows === undefined) return logStart;
    for (const row of rows) put(row.view, row.id);
    return { transactionId: at.transaction_id, position: Number(at.position) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
