import type { Queryable } from '@federa/eventstore';

export interface DeadLetter {
  consumer: string;
  subject: string;
  messageId: string | undefined;
  deliveries: number;
  reason: string;
  payload: string;
}

/** Keeps a message a consumer gave up on (eventlog.dead_letters), for an operator to inspect. */
export async function recordDeadLetter(db: Queryable, letter: DeadLetter): Promise<void> {
  await db.query({
    name: 'messaging.recordDeadLetter',
    text: `INSERT INTO eventlog.dead_letters (consumer, subject, message_id, deliveries, reason, payload)
           VALUES ($1, $2, $3, $4, $5, $6)`,
    values: [
      letter.consumer,
      letter.subject,
      letter.messageId ?? null,
      letter.deliveries,
      letter.reason,
      letter.payload,
    ],
  });
}
