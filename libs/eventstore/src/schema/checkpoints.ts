import type { LogCheckpoint } from '../event-store';
import type { Queryable } from './queryable';

/** A named reader's checkpoint, creating it at the start of the log when new. */
export async function readCheckpoint(db: Queryable, name: string): Promise<LogCheckpoint> {
  await db.query({
    name: 'eventlog.ensureCheckpoint',
    text: 'INSERT INTO eventlog.checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING',
    values: [name],
  });
  const result = await db.query<{ transaction_id: string; position: string }>({
    name: 'eventlog.readCheckpoint',
    text: 'SELECT transaction_id, position FROM eventlog.checkpoints WHERE name = $1',
    values: [name],
  });
  const row = result.rows[0];
  return { transactionId: row.transaction_id, position: Number(row.position) };
}

/**
 * Moves a checkpoint from `from` to `to` only if it is still at `from` (compare-and-set); false when
 * another reader moved it first. Inside a transaction the row stays locked until commit.
 */
export async function storeCheckpoint(
  db: Queryable,
  name: string,
  from: LogCheckpoint,
  to: LogCheckpoint,
): Promise<boolean> {
  const result = await db.query({
    name: 'eventlog.storeCheckpoint',
    text: `UPDATE eventlog.checkpoints SET transaction_id = $4, position = $5, updated_at = now()
           WHERE name = $1 AND transaction_id = $2 AND position = $3`,
    values: [name, from.transactionId, from.position, to.transactionId, to.position],
  });
  return result.rowCount === 1;
}

/** Puts a checkpoint back at the start of the log (used by rebuild, in the same transaction as the drop). */
export async function resetCheckpoint(db: Queryable, name: string): Promise<void> {
  await db.query({
    name: 'eventlog.resetCheckpoint',
    text: `INSERT INTO eventlog.checkpoints (name) VALUES ($1)
           ON CONFLICT (name) DO UPDATE SET transaction_id = '0', position = 0, updated_at = now()`,
    values: [name],
  });
}
