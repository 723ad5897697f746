import { Subjects } from '@federa/contracts';
import {
  acceptAnyObject,
  migrateEventStore,
  PostgresEventStore,
  PostgresLeaderLease,
} from '@federa/eventstore';
import {
  connectNats,
  ensureEventStream,
  ensureHostDataBucket,
  EventStreamSettingsRefused,
} from '@federa/messaging';
import { streamReplicasFromEnv } from '@federa/runtime';
import {
  eventually,
  freshDatabase,
  itWhen,
  natsServerBinary,
  NatsClusterProcess,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { EventRelay, relayConnectionOptions } from '../services/relay/src';
import { readJetStream, usageEvent } from './relay-support';

// The cluster elects a new stream leader after a node dies (a few seconds); the waits below are
// bounded on their own, so that a slow but healthy run fails on them, not on jest's timeout.
jest.setTimeout(60_000);

const noNatsServer = natsServerBinary() ? undefined : 'no nats-server binary on this machine';

describe('the event stream on a 3-node NATS cluster', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let cluster: NatsClusterProcess | undefined;
  const connections: NatsConnection[] = [];
  const relays: EventRelay[] = [];

  beforeAll(async () => {
    db = await freshDatabase('stream_cluster');
    pool = new Pool({ connectionString: db.url, max: 8 });
    await migrateEventStore(pool);
    if (!noNatsServer) cluster = await NatsClusterProcess.start();
  });

  afterAll(async () => {
    for (const relay of relays) await relay.stop();
    for (const nc of connections) await nc.close().catch(() => undefined);
    await cluster?.dispose();
    await pool.end();
    await db.drop();
  });

  async function connect(name: string): Promise<NatsConnection> {
    const nc = await connectNats(cluster!.url, name, relayConnectionOptions);
    connections.push(nc);
    return nc;
  }

  itWhen(noNatsServer)(
    'brings an existing single-replica stream to 3 replicas; asked for more replicas than servers, keeps an existing stream usable with a warning and refuses to create one, naming FEDERA_STREAM_REPLICAS',
    async () => {
      const subjects = new Subjects(uniquePrefix('scale'));
      const jsm = await (await connect('stream-settings-test')).jetstreamManager();
      // A reader that finds no stream creates it as before: one replica.
      expect((await ensureEventStream(jsm, subjects)).config.num_replicas).toBe(1);

      const changes: string[] = [];
      const scaled = await ensureEventStream(jsm, subjects, {
        settings: { replicas: 3 },
        onChange: (change) => changes.push(...change.changes),
      });
      expect(scaled.config.num_replicas).toBe(3);
      expect(changes).toEqual(['replicas 1 → 3 (FEDERA_STREAM_REPLICAS)']);
      // Applied once: the next start finds nothing to change.
      await ensureEventStream(jsm, subjects, {
        settings: { replicas: 3 },
        onChange: (change) => changes.push(...change.changes),
      });
      expect(changes).toHaveLength(1);

      // The stream exists and takes publishes: it keeps its 3 replicas, and the relay is told why.
      const deferred: string[] = [];
      const kept = await ensureEventStream(jsm, subjects, {
        settings: { replicas: 5 },
        onReplicasDeferred: (reason) => deferred.push(reason),
      });
      expect(kept.config.num_replicas).toBe(3);
      expect(deferred).toEqual([
        expect.stringMatching(
          /keeps 3 replica\(s\) for now: JetStream cannot place 5 \(FEDERA_STREAM_REPLICAS\)/,
        ),
      ]);
      expect((await jsm.streams.info(subjects.eventStream)).config.num_replicas).toBe(3);

      // A missing stream cannot be created with them: refused, nothing created.
      const other = new Subjects(uniquePrefix('scale'));
      const refused = ensureEventStream(jsm, other, {
        settings: { replicas: 5 },
        onReplicasDeferred: (reason) => deferred.push(reason),
      });
      await expect(refused).rejects.toThrow(EventStreamSettingsRefused);
      await expect(refused).rejects.toThrow(/with 5 replicas \(FEDERA_STREAM_REPLICAS\) now/);
      await expect(jsm.streams.info(other.eventStream)).rejects.toThrow();
    },
  );

  itWhen(noNatsServer)(
    'creates a host data bucket with the replicas of FEDERA_STREAM_REPLICAS, and leaves an existing bucket its own',
    async () => {
      const subjects = new Subjects(uniquePrefix('buckets'));
      const jsm = await (await connect('bucket-settings-test')).jetstreamManager();
      const replicas = streamReplicasFromEnv({ FEDERA_STREAM_REPLICAS: '3' });
      const bucket = subjects.dataBucketOf('host-a');
      await ensureHostDataBucket(jsm, bucket, { replicas });
      expect((await jsm.streams.info(`OBJ_${bucket}`)).config.num_replicas).toBe(3);

      // Made before the setting (single-node): it keeps its one replica.
      const older = subjects.dataBucketOf('host-b');
      await ensureHostDataBucket(jsm, older);
      await ensureHostDataBucket(jsm, older, { replicas });
      expect((await jsm.streams.info(`OBJ_${older}`)).config.num_replicas).toBe(1);
    },
  );

  itWhen(noNatsServer)(
    'loses no event, and stores none twice or out of log order, when the stream leader is killed while the relay publishes',
    async () => {
      const subjects = new Subjects(uniquePrefix('cluster'));
      const relay = new EventRelay({
        pool,
        nc: await connect('relay-test'),
        subjects,
        store: new PostgresEventStore(pool),
        lease: new PostgresLeaderLease(db.url, uniquePrefix('lease')),
        streamSettings: { replicas: 3 },
        batchSize: 50,
        acquireEveryMs: 200,
        publishTimeoutMs: 1000,
      });
      relays.push(relay);
      relay.start();

      const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
      const streams = 6;
      // Appending goes on until the leader has been killed, and this many rounds after: however
      // slowly the cluster elects and the relay starts, the node dies while events are appended.
      const roundsAfterKill = 20;
      const versions = new Array(streams).fill(0);
      let round = 0;
      let killedAtRound = Number.POSITIVE_INFINITY; // until the kill
      const writing = (async () => {
        for (; round < killedAtRound + roundsAfterKill; round++) {
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

      const observer = await connect('relay-test-observer');
      const jsm = await observer.jetstreamManager();
      let leader: string | undefined;
      try {
        await eventually(() => relay.published > 50, 20_000, 10);
        const info = await jsm.streams.info(subjects.eventStream);
        expect(info.config.num_replicas).toBe(3);
        leader = info.cluster?.leader;
        expect(leader).toBeDefined();
        await cluster!.kill(leader!);
      } finally {
        killedAtRound = round; // and the writer stops after its last rounds, even on a failure
        await writing;
      }

      const logged = (await store.readAll(null, 100_000)).events;
      expect(logged).toHaveLength(streams * round * 2);
      let stored: Awaited<ReturnType<typeof readJetStream>> = [];
      await eventually(async () => {
        stored = await readJetStream(observer, subjects.eventStream).catch(() => []);
        return stored.length >= logged.length;
      }, 30_000);
      // The stream holds the log, event for event, in the log's order: nothing lost, nothing twice.
      expect(stored.map((m) => m.event.eventId)).toEqual(logged.map((e) => e.eventId));
      expect(stored.map((m) => m.msgId)).toEqual(logged.map((e) => e.eventId));
      const after = await jsm.streams.info(subjects.eventStream);
      expect(after.cluster?.leader).not.toBe(leader);
    },
  );
});
