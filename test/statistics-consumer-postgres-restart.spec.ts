import { randomUUID } from 'node:crypto';
import { Subjects } from '@federa/contracts';
import { migrateEventStore, PostgresEventStore } from '@federa/eventstore';
import { connectNats, encodeEventMessage } from '@federa/messaging';
import { eventually, itWhen, uniquePrefix } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Client, Pool } from 'pg';
import { StatisticsEventConsumer } from '../services/statistics/src/consumer/infrastructure/statistics-event-consumer';
import { StatisticsEventHandlers } from '../services/statistics/src/consumer/statistics-event-handlers';
import { setupStatisticsSchema } from '../services/statistics/src/infrastructure/statistics-schema';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';

// Worst case: the cluster's start and setup (60 s); per test a consumer's start (30 s) and its
// messages in hand (30 s), then stop() (20 s), and for the restart the outage (30 s) and the messages
// applied again (60 s): about 5 min; about 40 s when nothing is wrong. One cluster for both tests.
jest.setTimeout(240_000);

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const unavailable = throwawayPostgresUnavailable();
// A real event type: the events are in the log as well as on the stream, as in production, so that a
// redelivery out of order (the message behind the one in hand comes back first) is caught up from the log.
const eventType = 'HostCordoned';
/** How long stop() may take: a consumer that stops waits for no message and no server. */
const stopWithinMs = 20_000;

/** Resolves to `stopped`, or to `late` when stop() has not returned within `ms`. */
async function stopWithin(
  consumer: StatisticsEventConsumer,
  ms: number,
): Promise<'stopped' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([consumer.stop().then(() => 'stopped' as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A statistics consumer of its own on the test's cluster and a stream of its own, and what it said. */
interface Following {
  consumer: StatisticsEventConsumer;
  subjects: Subjects;
  /** Its durable's name, also the key of its state row. */
  durable: string;
  said: string[];
  /** The log positions of the two events it was handed. */
  positions: number[];
}

describe('the statistics event consumer stopping', () => {
  let postgres: ThrowawayPostgres | undefined;
  let pool: Pool | undefined;
  let locker: Client | undefined;
  let nc: NatsConnection | undefined;
  const followers: Following[] = [];

  beforeAll(async () => {
    if (unavailable) return;
    postgres = await ThrowawayPostgres.start();
    pool = new Pool({ connectionString: postgres.url(), max: 6 });
    // Connections die with the server: their errors are the consumer's to meet, not the process's end.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    await migrateEventStore(pool);
    await setupStatisticsSchema(pool);
    nc = await connectNats(natsUrl, 'statistics-consumer-stop-test');
  }, 60_000);

  afterAll(async () => {
    // Bounded: on a consumer that does not stop, the test still ends the cluster it started.
    for (const { consumer } of followers) await stopWithin(consumer, stopWithinMs);
    await locker?.end().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    const jsm = await nc?.jetstreamManager();
    for (const { subjects } of followers)
      await jsm?.streams.delete(subjects.eventStream).catch(() => undefined);
    await nc?.close();
    postgres?.dispose();
  });

  /** A consumer that follows a stream of its own, once it says it consumes. */
  async function follow(label: string): Promise<Following> {
    const handlers = new StatisticsEventHandlers();
    handlers.register({ name: 'test', types: [eventType], handle: async () => undefined });
    const subjects = new Subjects(uniquePrefix(label));
    const durable = `statistics-${label}`;
    const said: string[] = [];
    const consumer = new StatisticsEventConsumer({
      nc: nc!,
      subjects,
      pool: pool!,
      store: new PostgresEventStore(pool!),
      databaseUrl: postgres!.url(),
      handlers,
      durable,
      ackWaitMs: 2000,
      acquireEveryMs: 200,
      log: (message) => said.push(message),
      onActive: (message) => said.push(message),
    });
    const following: Following = { consumer, subjects, durable, said, positions: [] };
    followers.push(following);
    await consumer.start();
    await eventually(() => said.some((m) => m.startsWith('consuming the event stream')), 30_000);
    return following;
  }

  /**
   * Publishes two events while the test holds the consumer's state row locked: the first then waits
   * on the lock in its transaction, and the second is in the consumer's hands behind it.
   */
  async function twoInHand(following: Following): Promise<Client> {
    const { subjects, durable } = following;
    // In the log first: a transaction open while they are appended would hide them from log reads.
    const store = new PostgresEventStore(pool!);
    const recorded = [];
    for (const n of [1, 2]) {
      const host = `${durable}-${n}-${randomUUID().slice(0, 8)}`;
      await store.append(`host-${host}`, 'no-stream', [
        {
          type: eventType,
          data: { host },
          metadata: {
            correlationId: randomUUID(),
            actor: 'test',
            occurredAt: new Date().toISOString(),
          },
        },
      ]);
      const [event] = (await store.readStream(`host-${host}`)).events;
      following.positions.push(event.position);
      recorded.push(event);
    }
    const held = new Client({ connectionString: postgres!.url() });
    held.on('error', () => undefined);
    await held.connect();
    locker = held;
    await held.query('BEGIN');
    await held.query('SELECT 1 FROM statistics.consumer_state WHERE consumer = $1 FOR UPDATE', [
      durable,
    ]);
    const js = nc!.jetstream();
    for (const event of recorded)
      await js.publish(subjects.event('host', eventType), encodeEventMessage(event));
    const jsm = await nc!.jetstreamManager();
    await eventually(async () => {
      const info = await jsm.consumers.info(subjects.eventStream, durable);
      const { rows } = await held.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
      );
      return info.num_ack_pending === 2 && rows[0].n === 1;
    }, 30_000);
    return held;
  }

  itWhen(unavailable)(
    'returns from stop() called while it applies a message and more wait behind it, leaving those for the next leader',
    async () => {
      const following = await follow('statsstopbusy');
      const held = await twoInHand(following);

      const stopping = stopWithin(following.consumer, stopWithinMs);
      await held.query('ROLLBACK');
      await held.end();

      expect(await stopping).toBe('stopped');
      expect(following.consumer.applied).toBe(1);
    },
  );

  itWhen(unavailable)(
    'leaves the messages it held when a PostgreSQL restart cost it its lease, applies them again once it leads again, and stop() then returns',
    async () => {
      const cluster = postgres!;
      const following = await follow('statspgrestart');
      const { consumer, said } = following;
      await twoInHand(following);

      cluster.stop();
      await eventually(() => consumer.problem !== undefined && !consumer.isActive, 30_000);
      cluster.restart();

      // Both handled: from the stream, or from the log when the second came back before the first.
      const handled = async () =>
        (
          await pool!.query<{ position: string }>(
            'SELECT position FROM statistics.handled_positions WHERE consumer = $1',
            [following.durable],
          )
        ).rows.map((row) => Number(row.position));
      await eventually(async () => {
        const done = await handled();
        return following.positions.every((p) => done.includes(p));
      }, 60_000).catch(async (error: Error) => {
        throw new Error(
          `${error.message}; handled ${(await handled()).join(',')} of ${following.positions.join(',')}; the consumer said: ${said.join(' | ')}`,
        );
      });
      expect(await stopWithin(consumer, stopWithinMs)).toBe('stopped');
    },
  );
});
