import { Subjects, type RecordedEvent } from '@federa/contracts';
import {
  acceptAnyObject,
  migrateEventStore,
  PostgresEventStore,
  PostgresLeaderLease,
} from '@federa/eventstore';
import { connectNats, DurableEventConsumer, PermanentFailure } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { EventRelay } from '../services/relay/src';
import { usageEvent } from './relay-support';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('a durable consumer of the relayed log', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let nc: NatsConnection;
  let relay: EventRelay;
  const consumers: DurableEventConsumer[] = [];
  const subjects = new Subjects(uniquePrefix('relaycons'));

  beforeAll(async () => {
    db = await freshDatabase('relay_consumer');
    pool = new Pool({ connectionString: db.url, max: 8 });
    await migrateEventStore(pool);
    await pool.query('CREATE TABLE seen (position bigint NOT NULL, n int NOT NULL)');
    nc = await connectNats(natsUrl, 'relay-consumer-test');
    relay = new EventRelay({
      pool,
      nc,
      subjects,
      store: new PostgresEventStore(pool),
      lease: new PostgresLeaderLease(db.url, uniquePrefix('lease')),
      acquireEveryMs: 100,
    });
    relay.start();
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await relay.stop();
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(subjects.eventStream).catch(() => undefined);
    await nc.close();
    await pool.end();
    await db.drop();
  });

  function consume(
    durable: string,
    handle: (e: RecordedEvent, db: import('pg').PoolClient) => Promise<void>,
  ) {
    const consumer = new DurableEventConsumer({
      nc,
      subjects,
      durable,
      pool,
      handle,
      maxDeliver: 3,
      nakDelayMs: () => 20,
    });
    consumers.push(consumer);
    return consumer.start();
  }

  async function deadLetters(consumer: string) {
    const result = await pool.query(
      'SELECT subject, message_id, deliveries, reason FROM eventlog.dead_letters WHERE consumer = $1 ORDER BY id',
      [consumer],
    );
    return result.rows;
  }

  it('handles each event once after transient failures, and dead-letters what keeps failing or is not an event', async () => {
    const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
    const failures = new Map<number, number>();
    await consume('tally', async (event, tx) => {
      const n = (event.data as { n: number }).n;
      if (n === 13) throw new PermanentFailure('thirteen is refused');
      if (n === 7) throw new Error('seven never works');
      // Even events fail twice before they succeed (a database or a peer that is briefly away).
      const failed = failures.get(n) ?? 0;
      if (n % 2 === 0 && failed < 2) {
        failures.set(n, failed + 1);
        await tx.query('INSERT INTO seen (position, n) VALUES ($1, $2)', [event.position, -1]);
        throw new Error('transient');
      }
      await tx.query('INSERT INTO seen (position, n) VALUES ($1, $2)', [event.position, n]);
    });
    await store.append(
      'stats-a',
      'no-stream',
      Array.from({ length: 20 }, (_, n) => usageEvent(n)),
    );
    await nc.publish(subjects.event('stats', 'UsageRecorded'), Buffer.from('{"position": "x"}'));

    await eventually(
      async () => (await pool.query('SELECT count(*)::int AS n FROM seen')).rows[0].n === 18,
    );
    await eventually(async () => (await deadLetters('tally')).length === 3);
    const seen = (await pool.query('SELECT n FROM seen ORDER BY n')).rows.map((r) => r.n);
    expect(seen).toEqual(
      Array.from({ length: 20 }, (_, n) => n).filter((n) => n !== 7 && n !== 13),
    );
    const letters = await deadLetters('tally');
    expect(letters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ deliveries: 3, reason: 'seven never works' }),
        expect.objectContaining({ deliveries: 1, reason: 'thirteen is refused' }),
        expect.objectContaining({
          message_id: null,
          reason: expect.stringContaining('position: must be a positive integer'),
        }),
      ]),
    );
  });

  it('skips a position it already handled when the message comes again', async () => {
    const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
    await pool.query('CREATE TABLE twice (position bigint NOT NULL)');
    const appended = await store.append('stats-b', 'no-stream', [usageEvent(100)]);
    await consume('twice', async (event, tx) => {
      await tx.query('INSERT INTO twice (position) VALUES ($1)', [event.position]);
    });
    await eventually(
      async () => (await pool.query('SELECT count(*)::int AS n FROM twice')).rows[0].n >= 1,
    );
    const [event] = (await store.readStream('stats-b')).events;
    // Published again without its message id, as a redelivery would bring it.
    await nc.publish(subjects.event('stats', 'UsageRecorded'), Buffer.from(JSON.stringify(event)));
    await eventually(async () => {
      const info = await (
        await nc.jetstreamManager()
      ).consumers.info(subjects.eventStream, 'twice');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    const rows = (
      await pool.query('SELECT position FROM twice WHERE position = $1', [appended.lastPosition])
    ).rows;
    expect(rows).toHaveLength(1);
  });
});
