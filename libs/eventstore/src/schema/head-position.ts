import type { Queryable } from './queryable';

/** The position of the last event committed in the log, or 0 when the log is empty. */
export async function headPosition(db: Queryable): Promise<number> {
  const result = await db.query<{ head: string | null }>({
    name: 'eventlog.headPosition',
    text: 'SELECT max(position) AS head FROM eventlog.events',
  });
  return Number(result.rows[0].head ?? 0);
}
