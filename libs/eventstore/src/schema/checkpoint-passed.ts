import type { Queryable } from './queryable';

/**
 * Whether reader checkpoint `name` is at or past the event at `position`, in the readers'
 * (transaction id, position) order; false when either the checkpoint or the event does not exist.
 */
export async function checkpointPassed(
  db: Queryable,
  name: string,
  position: number,
): Promise<boolean> {
  const result = await db.query<{ passed: boolean }>({
    name: 'eventlog.checkpointPassed',
    text: `SELECT EXISTS (
             SELECT 1 FROM eventlog.checkpoints c JOIN eventlog.events e ON e.position = $2
             WHERE c.name = $1 AND (c.transaction_id, c.position) >= (e.transaction_id, e.position)
           ) AS passed`,
    values: [name, position],
  });
  return result.rows[0].passed;
}
