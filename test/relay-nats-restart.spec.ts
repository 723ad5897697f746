import { Subjects } from '@federa/contracts';
import {
  acceptAnyObject,
  migrateEventStore,
  PostgresEventStore,
  PostgresLeaderLease,
} from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import {
  eventually,
  freshDatabase,
  itWhen,
  natsServerBinary,
  NatsServerProcess,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { EventRelay } from '../services/relay/src';
import { inOrderPerStream, usageEvent, waitForJetStream } from './relay-support';

// Processes start, die and restart here, and the tests' own bounded waits add up to more than the
// global 60 s (jest.config.js): a slow but healthy run must fail on those waits, not on jest's timeout.
jest.setTimeout(90_000);

describe('the relay across a NATS restart', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let server: NatsServerProcess | undefined;
  const connections: NatsConnection[] = [];
  const relays: EventRelay[] = [];

  beforeAll(async () => {
    db = await freshDatabase('relay_nats');
    pool = new Pool({ connectionString: db.url, max: 8 });
    await migrateEventStore(pool);
    if (natsServerBinary()) server = await NatsServerProcess.start();
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    for (const nc of connections) await nc.close().catch(() => undefined);
    await server?.dispose();
    await pool.end();
    await db.drop();
  });

  async function startRelay(subjects: Subjects): Promise<EventRelay> {
    const nc = await connectNats(server!.url, 'relay-test');
    connections.push(nc);
    const relay = new EventRelay({
      pool,
      nc,
      subjects,
      store: new PostgresEventStore(pool),
      lease: new PostgresLeaderLease(db.url, uniquePrefix('lease')),
      batchSize: 50,
      acquireEveryMs: 200,
      publishTimeoutMs: 1000,
    });
    relays.push(relay);
    relay.start();
    return relay;
  }

  itWhen(natsServerBinary() ? undefined : 'no nats-server binary on this machine')(
    'delivers every event to JetStream exactly once, in order per stream, when nats-server restarts mid-stream',
    async () => {
      const subjects = new Subjects(uniquePrefix('relayrs'));
      const relay = await startRelay(subjects);
      const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
      const streams = 6;
      const rounds = 30;
      const versions = new Array(streams).fill(0);
      const writing = (async () => {
        for (let round = 0; round < rounds; round++) {
          await Promise.all(
            versions.map(async (v, s) => {
              const appended = await store.append(`stats-${s}`, v === 0 ? 'no-stream' : v, [
                usageEvent(round * 2),
                usageEvent(round * 2 + 1),
              ]);
              versions[s] = appended.nextExpectedVersion;
            }),
          );
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await eventually(() => relay.published > 50, 20_000, 10);
      await server!.restart();
      await writing;
      const total = streams * rounds * 2;
      const observer = await connectNats(server!.url, 'relay-test-observer');
      connections.push(observer);
      const received = await waitForJetStream(observer, subjects.eventStream, total, 40_000);
      expect(received).toHaveLength(total);
      expect(new Set(received.map((m) => m.msgId)).size).toBe(total);
      expect(inOrderPerStream(received.map((m) => m.event))).toBe(true);
    },
  );

  itWhen(natsServerBinary() ? undefined : 'no nats-server binary on this machine')(
    'keeps one relay active at a time and hands over when the active one stops',
    async () => {
      const subjects = new Subjects(uniquePrefix('relayho'));
      const leaseName = uniquePrefix('lease');
      const make = async () => {
        const nc = await connectNats(server!.url, 'relay-test');
        connections.push(nc);
        const relay = new EventRelay({
          pool,
          nc,
          subjects,
          store: new PostgresEventStore(pool),
          lease: new PostgresLeaderLease(db.url, leaseName),
          acquireEveryMs: 200,
        });
        relays.push(relay);
        relay.start();
        return relay;
      };
      const [a, b] = [await make(), await make()];
      await eventually(() => a.isActive || b.isActive);
      const [active, standby] = a.isActive ? [a, b] : [b, a];
      expect(standby.isActive).toBe(false);
      await new PostgresEventStore(pool, { validate: acceptAnyObject }).append('host-x', 'any', [
        usageEvent(1),
      ]);
      await eventually(() => active.published >= 1);
      await active.stop();
      await eventually(() => standby.isActive);
      await new PostgresEventStore(pool, { validate: acceptAnyObject }).append('host-x', 'any', [
        usageEvent(2),
      ]);
      const observer = await connectNats(server!.url, 'relay-test-observer');
      connections.push(observer);
      const received = await waitForJetStream(
        observer,
        subjects.eventStream,
        2,
        10_000,
        (e) => e.streamId === 'host-x',
      );
      // Read as the log serves them: UsageRecorded v1 comes upcast to v2 (n is this test's own field).
      expect(received.map((m) => (m.event.data as { n: number }).n)).toEqual([1, 2]);
    },
  );
});
