import type { Queryable } from '@federa/eventstore';

/** Where one consumer is (statistics.consumer_state). */
export interface ConsumerState {
  /** Log position of the last event applied, in the relay's order. */
  lastPosition: number;
  /** Stream sequence of the last message applied (or covered by a catch-up from the log). */
  lastStreamSeq: number;
  /** When the stream it follows was created ('' before it first saw one). */
  streamCreated: string;
  /** Events applied from the log because the stream no longer held them. */
  caughtUp: number;
}

type StateRow = {
  last_position: string;
  last_stream_seq: string;
  stream_created: string;
  caught_up: string;
};

const toState = (row: StateRow): ConsumerState => ({
  lastPosition: Number(row.last_position),
  lastStreamSeq: Number(row.last_stream_seq),
  streamCreated: row.stream_created,
  caughtUp: Number(row.caught_up),
});

export async function ensureConsumerState(db: Queryable, consumer: string): Promise<void> {
  await db.query({
    text: `INSERT INTO statistics.consumer_state (consumer) VALUES ($1) ON CONFLICT DO NOTHING`,
    values: [consumer],
  });
}

/** The consumer's state, locked until the transaction ends: one writer applies events at a time. */
export async function lockConsumerState(db: Queryable, consumer: string): Promise<ConsumerState> {
  const { rows } = await db.query<StateRow>({
    name: 'statistics.lockConsumerState',
    text: `SELECT last_position, last_stream_seq, stream_created, caught_up
             FROM statistics.consumer_state WHERE consumer = $1 FOR UPDATE`,
    values: [consumer],
  });
  if (rows.length === 0) throw new Error(`no state for consumer ${consumer}`);
  return toState(rows[0]);
}

export async function readConsumerState(
  db: Queryable,
  consumer: string,
): Promise<ConsumerState | undefined> {
  const { rows } = await db.query<StateRow>({
    text: `SELECT last_position, last_stream_seq, stream_created, caught_up
             FROM statistics.consumer_state WHERE consumer = $1`,
    values: [consumer],
  });
  return rows[0] && toState(rows[0]);
}

export async function saveConsumerState(
  db: Queryable,
  consumer: string,
  state: ConsumerState,
): Promise<void> {
  await db.query({
    name: 'statistics.saveConsumerState',
    text: `UPDATE statistics.consumer_state
              SET last_position = $2, last_stream_seq = $3, stream_created = $4, caught_up = $5,
                  updated_at = now()
            WHERE consumer = $1`,
    values: [
      consumer,
      state.lastPosition,
      state.lastStreamSeq,
      state.streamCreated,
      state.caughtUp,
    ],
  });
}

/** Records the position as handled by the consumer; false when it already was (skip its effect). */
export async function markHandled(
  db: Queryable,
  consumer: string,
  position: number,
): Promise<boolean> {
  const result = await db.query({
    name: 'statistics.markHandled',
    text: `INSERT INTO statistics.handled_positions (consumer, position) VALUES ($1, $2)
           ON CONFLICT DO NOTHING`,
    values: [consumer, position],
  });
  return result.rowCount === 1;
}

/**
 * Forgets the handled positions no delivery can bring back: events that come, in the log's order,
 * before both the consumer's last applied event (a redelivery of those is acknowledged unread) and
 * the relay's checkpoint (the relay never publishes those again, even to a recreated stream).
 * Answers how many were forgotten.
 */
export async function pruneHandledPositions(
  db: Queryable,
  consumer: string,
  relayCheckpoint: string,
): Promise<number> {
  const result = await db.query({
    name: 'statistics.pruneHandledPositions',
    text: `DELETE FROM statistics.handled_positions h
             USING eventlog.events e
            WHERE h.consumer = $1 AND e.position = h.position
              AND (e.transaction_id, e.position) < (
                    SELECT le.transaction_id, le.position
                      FROM statistics.consumer_state s
                      JOIN eventlog.events le ON le.position = s.last_position
                     WHERE s.consumer = $1)
              AND (e.transaction_id, e.position) < (
                    SELECT c.transaction_id, c.position FROM eventlog.checkpoints c WHERE c.name = $2)`,
    values: [consumer, relayCheckpoint],
  });
  return result.rowCount ?? 0;
}
