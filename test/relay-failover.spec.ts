import { Subjects } from '@federa/contracts';
import { acceptAnyObject, migrateEventStore, PostgresEventStore } from '@federa/eventstore';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { connect, type NatsConnection } from 'nats';
import { Pool } from 'pg';
import {
  inOrderPerStream,
  killProcess,
  readJetStream,
  spawnRelay,
  usageEvent,
  waitForJetStream,
  type RelayProcess,
} from './relay-support';

// Processes start, die and restart here, and the tests' own bounded waits add up to more than the
// global 60 s (jest.config.js): a slow but healthy run must fail on those waits, not on jest's timeout.
jest.setTimeout(90_000);

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('the relay when its active instance dies', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let nc: NatsConnection;
  const relays: RelayProcess[] = [];
  const subjects = new Subjects(uniquePrefix('relayfo'));

  beforeAll(async () => {
    db = await freshDatabase('relay_failover');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    nc = await connect({ servers: natsUrl });
  });

  afterAll(async () => {
    for (const relay of relays) await killProcess(relay.child, 'SIGTERM');
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(subjects.eventStream).catch(() => undefined);
    await nc.close();
    await pool.end();
    await db.drop();
  });

  it('lets a standby take over and every event reaches JetStream exactly once, in order per stream', async () => {
    const env = {
      FEDERA_DATABASE_URL: db.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: subjects.prefix,
    };
    relays.push(spawnRelay(env), spawnRelay(env));
    await eventually(() => relays.some((r) => r.becameActive()), 30_000);
    const active = relays.find((r) => r.becameActive())!;
    const standby = relays.find((r) => r !== active)!;

    const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
    const streams = 8;
    const perStream = 60;
    const versions = new Array(streams).fill(0);
    const appendRound = async (round: number) => {
      await Promise.all(
        versions.map(async (v, s) => {
          const batch = [
            usageEvent(round * 3),
            usageEvent(round * 3 + 1),
            usageEvent(round * 3 + 2),
          ];
          versions[s] = (
            await store.append(`stats-${s}`, v === 0 ? 'no-stream' : v, batch)
          ).nextExpectedVersion;
        }),
      );
    };
    for (let round = 0; round < perStream / 3 / 2; round++) await appendRound(round);
    // Some events are on JetStream: kill the active relay in the middle of the stream.
    await eventually(
      async () => (await readJetStream(nc, subjects.eventStream)).length > 0,
      20_000,
    );
    await killProcess(active.child);
    for (let round = perStream / 3 / 2; round < perStream / 3; round++) await appendRound(round);

    await eventually(() => standby.becameActive(), 20_000);
    const total = streams * perStream;
    const received = await waitForJetStream(nc, subjects.eventStream, total);
    expect(received).toHaveLength(total);
    expect(new Set(received.map((m) => m.msgId)).size).toBe(total);
    expect(received.every((m) => m.msgId === m.event.eventId)).toBe(true);
    expect(inOrderPerStream(received.map((m) => m.event))).toBe(true);
    expect(received[0].event).toMatchObject({ type: 'UsageRecorded', streamVersion: 1 });
  });
});
