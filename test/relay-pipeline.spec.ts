import { Subjects } from '@federa/contracts';
import {
  acceptAnyObject,
  migrateEventStore,
  PostgresEventStore,
  type LogCheckpoint,
  PostgresLeaderLease,
} from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { EventRelay } from '../services/relay/src';
import { readJetStream, usageEvent, waitForJetStream } from './relay-support';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('the relay with several pages in flight', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let nc: NatsConnection;
  let store: PostgresEventStore;
  const relays: EventRelay[] = [];
  const subjects = new Subjects(uniquePrefix('relaypipe'));
  const leaseName = uniquePrefix('lease');
  const versions = new Array<number>(6).fill(0);

  beforeAll(async () => {
    db = await freshDatabase('relay_pipeline');
    pool = new Pool({ connectionString: db.url, max: 8 });
    await migrateEventStore(pool);
    nc = await connectNats(natsUrl, 'relay-pipeline-test');
    store = new PostgresEventStore(pool, { validate: acceptAnyObject });
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(subjects.eventStream).catch(() => undefined);
    await nc.close();
    await pool.end();
    await db.drop();
  });

  function startRelay(): EventRelay {
    // Pages of 7 and at most 20 publishes awaiting acks: three pages in flight at once.
    const relay = new EventRelay({
      pool,
      nc,
      subjects,
      store,
      lease: new PostgresLeaderLease(db.url, leaseName),
      batchSize: 7,
      maxPending: 20,
      pollMs: 10,
      acquireEveryMs: 100,
    });
    relays.push(relay);
    relay.start();
    return relay;
  }

  /** Appends `rounds` batches of 3 to each stream, the streams concurrently (so commits interleave). */
  async function appendRounds(rounds: number): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      await Promise.all(
        versions.map(async (v, s) => {
          versions[s] = (
            await store.append(`stats-${s}`, v === 0 ? 'no-stream' : v, [
              usageEvent(v + 1),
              usageEvent(v + 2),
              usageEvent(v + 3),
            ])
          ).nextExpectedVersion;
        }),
      );
    }
  }

  /** The first `count` event ids in log (checkpoint) order, as every reader of the log sees them. */
  async function logOrder(count: number): Promise<{ eventIds: string[]; end: LogCheckpoint }> {
    const eventIds: string[] = [];
    let end: LogCheckpoint | null = null;
    // A transaction open elsewhere on the shared server can hold readers back for a while.
    await eventually(async () => {
      const page = await store.readAll(end, count - eventIds.length);
      eventIds.push(...page.events.map((e) => e.eventId));
      end = page.checkpoint;
      return eventIds.length === count;
    }, 20_000);
    return { eventIds, end: end! };
  }

  async function storedCheckpoint(name: string): Promise<LogCheckpoint | undefined> {
    const result = await pool.query(
      'SELECT transaction_id, position FROM eventlog.checkpoints WHERE name = $1',
      [name],
    );
    const row = result.rows[0];
    return row && { transactionId: row.transaction_id, position: Number(row.position) };
  }

  it('puts every event on JetStream once, in log order, and moves its checkpoint to the last one', async () => {
    const relay = startRelay();
    await appendRounds(10);
    const total = versions.length * 30;
    const received = await waitForJetStream(nc, subjects.eventStream, total);
    const { eventIds, end } = await logOrder(total);
    expect(eventIds).toHaveLength(total);
    expect(received.map((m) => m.msgId)).toEqual(eventIds);
    expect(received.map((m) => m.event.eventId)).toEqual(eventIds);
    await eventually(
      async () => (await storedCheckpoint(relay.checkpointName))?.position === end.position,
    );
    expect(await storedCheckpoint(relay.checkpointName)).toEqual(end);
  });

  it('republishes nothing twice when its checkpoint is set back, and keeps later events in order', async () => {
    const [first] = relays;
    await first.stop();
    const before = (await readJetStream(nc, subjects.eventStream)).length;
    await pool.query(
      `UPDATE eventlog.checkpoints SET transaction_id = '0', position = 0 WHERE name = $1`,
      [first.checkpointName],
    );
    const relay = startRelay();
    await appendRounds(4);
    const total = versions.length * 42;
    expect(before).toBe(versions.length * 30);
    const received = await waitForJetStream(nc, subjects.eventStream, total);
    const { eventIds } = await logOrder(total);
    expect(received.map((m) => m.msgId)).toEqual(eventIds);
    // Every old event came back as a duplicate the stream dropped; the count confirms each was sent.
    await eventually(() => relay.published >= total);
    await new Promise((r) => setTimeout(r, 200));
    expect((await readJetStream(nc, subjects.eventStream)).length).toBe(total);
  });
});
