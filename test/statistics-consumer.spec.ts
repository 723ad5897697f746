import { Subjects } from '@federa/contracts';
import { migrateEventStore, PostgresEventStore, PostgresLeaderLease } from '@federa/eventstore';
import { connectNats, eventStreamDuplicateWindowMs } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { nanos, type NatsConnection } from 'nats';
import { Pool } from 'pg';
import { EventRelay } from '../services/relay/src';
import { pruneHandledPositions } from '../services/statistics/src/consumer/infrastructure/consumer-state';
import { defaultStatisticsConsumer } from '../services/statistics/src/statistics-config';
import { appendFleetHistory, instanceLife } from './statistics-fleet-history';
import {
  consumerProgress,
  killProcess,
  readCatalogue,
  rebuildCatalogue,
  spawnStatistics,
  type StatisticsProcess,
} from './statistics-process';

type Progress = Awaited<ReturnType<typeof consumerProgress>>;

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const consumer = defaultStatisticsConsumer;
// A loaded 2-core machine starts a TypeScript service and applies thousands of events slowly.
jest.setTimeout(240_000);

const saysConsuming = (replica: StatisticsProcess) =>
  replica.output.join('').includes('consuming the event stream');

/** A database with a log, a relay publishing it to a stream of its own, and statistics processes. */
class Plane {
  db!: FreshDatabase;
  pool!: Pool;
  store!: PostgresEventStore;
  nc!: NatsConnection;
  relay!: EventRelay;
  readonly subjects = new Subjects(uniquePrefix('stats'));
  readonly processes: StatisticsProcess[] = [];

  async open(label: string, streamLimit?: number): Promise<void> {
    this.db = await freshDatabase(label);
    this.pool = new Pool({ connectionString: this.db.url, max: 6 });
    await migrateEventStore(this.pool);
    this.store = new PostgresEventStore(this.pool);
    this.nc = await connectNats(natsUrl, `${label}-test`);
    if (streamLimit !== undefined) {
      // A stream that keeps only its newest messages: older ones are gone when a consumer needs them.
      const jsm = await this.nc.jetstreamManager();
      await jsm.streams.add({
        name: this.subjects.eventStream,
        subjects: [this.subjects.allEvents],
        duplicate_window: nanos(eventStreamDuplicateWindowMs),
        max_msgs: streamLimit,
      });
    }
  }

  startRelay(): void {
    this.relay = new EventRelay({
      pool: this.pool,
      nc: this.nc,
      subjects: this.subjects,
      store: this.store,
      lease: new PostgresLeaderLease(this.db.url, uniquePrefix('lease')),
      acquireEveryMs: 100,
    });
    this.relay.start();
  }

  /** Waits until the stream holds the log's last event. */
  async relayed(): Promise<void> {
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM eventlog.events');
    await eventually(async () => {
      const jsm = await this.nc.jetstreamManager();
      return (await jsm.streams.info(this.subjects.eventStream)).state.last_seq >= rows[0].n;
    }, 120_000);
  }

  statistics(): StatisticsProcess {
    const started = spawnStatistics({
      FEDERA_DATABASE_URL: this.db.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: this.subjects.prefix,
    });
    this.processes.push(started);
    return started;
  }

  /** Waits until statistics has applied every event of the log, and answers its progress. */
  async applied(process: StatisticsProcess): Promise<Progress> {
    const progress = await eventually(
      async () => {
        if (process.child.exitCode !== null) {
          throw new Error(`statistics exited: ${process.output.join('')}`);
        }
        const progress = await consumerProgress(this.pool, consumer);
        return progress.handled === progress.logged && progress.logged > 0 && progress;
      },
      150_000,
      100,
    ).catch(async (error: Error) => {
      const progress = await consumerProgress(this.pool, consumer);
      throw new Error(
        `${error.message}; progress ${JSON.stringify(progress)}; statistics said: ${process.output.join('').slice(-3000)}`,
      );
    });
    return progress as Progress;
  }

  /** The replica that says it consumes the stream (it holds the consumer's lease). */
  async activeReplica(replicas: StatisticsProcess[]): Promise<StatisticsProcess> {
    const active = await eventually(() => replicas.find(saysConsuming), 60_000);
    return active!;
  }

  async close(): Promise<void> {
    for (const p of this.processes) await killProcess(p.child, 'SIGTERM');
    await this.relay?.stop();
    const jsm = await this.nc?.jetstreamManager();
    await jsm?.streams.delete(this.subjects.eventStream).catch(() => undefined);
    await this.nc?.close();
    await this.pool?.end();
    await this.db?.drop();
  }
}

describe('the statistics event consumer', () => {
  describe('following the log through the stream', () => {
    const plane = new Plane();
    beforeAll(() => plane.open('stats_follow'));
    afterAll(() => plane.close());

    it('applies every event once to its catalogue, and goes on with events appended later', async () => {
      await appendFleetHistory(plane.store, { hosts: 4, instances: 20 });
      plane.startRelay();
      const statistics = plane.statistics();
      await plane.applied(statistics);

      const catalogue = await readCatalogue(plane.pool);
      expect(catalogue.hosts.map((h) => [h.id, h.site, h.state])).toEqual([
        ['h-1', 'geneva', 'ready'],
        ['h-2', 'lausanne', 'ready'],
        ['h-3', 'geneva', 'ready'],
        ['h-4', 'lausanne', 'ready'],
      ]);
      expect(catalogue.services.map((s) => [s.name, s.max_cost_per_hour, s.applications])).toEqual([
        ['shop', 2.5, ['web']],
      ]);
      // Instance web-0 was placed on h-1, moved to h-2 then h-3, and stopped there.
      expect(
        catalogue.instances
          .filter((i) => i.id === 'web-0')
          .map((i) => [i.host, i.ended_at !== null]),
      ).toEqual([
        ['h-1', true],
        ['h-2', true],
        ['h-3', true],
      ]);
      // 20 placements, 20 moves, 7 second moves (every third); 16 instances still run somewhere.
      expect(catalogue.instances).toHaveLength(47);
      expect(catalogue.instances.filter((i) => i.ended_at === null)).toHaveLength(16);

      await instanceLife(plane.store, 'late-1', 'shop', 'h-4');
      await plane.applied(statistics);
      const late = (await readCatalogue(plane.pool)).instances.filter((i) => i.id === 'late-1');
      expect(late.map((i) => [i.host, i.ended_at])).toEqual([['h-4', null]]);
    });
  });

  describe('killed mid-stream', () => {
    const plane = new Plane();
    beforeAll(() => plane.open('stats_kill'));
    afterAll(() => plane.close());

    it('resumes after a restart, applying each event once, and its catalogue equals a rebuild from the log', async () => {
      await appendFleetHistory(plane.store, { hosts: 10, instances: 1000 });
      plane.startRelay();
      await plane.relayed();

      const first = plane.statistics();
      const killedAt = (await eventually(
        async () => {
          const progress = await consumerProgress(plane.pool, consumer);
          return progress.handled > 0 && progress;
        },
        120_000,
        20,
      )) as Progress;
      await killProcess(first.child, 'SIGKILL');
      const afterKill = await consumerProgress(plane.pool, consumer);
      expect(killedAt.handled).toBeLessThan(afterKill.logged);

      const second = plane.statistics();
      const done = await plane.applied(second);
      expect(done.handled).toBe(done.logged);
      await killProcess(second.child, 'SIGTERM');

      const followed = await readCatalogue(plane.pool);
      await rebuildCatalogue(plane.pool, plane.store);
      expect(await readCatalogue(plane.pool)).toEqual(followed);
      expect(followed.instances.length).toBeGreaterThan(1000);
    });
  });

  describe('with two replicas', () => {
    const plane = new Plane();
    beforeAll(() => plane.open('stats_replicas'));
    afterAll(() => plane.close());

    it('lets one consume at a time, and the other take over when it dies', async () => {
      await appendFleetHistory(plane.store, { hosts: 3, instances: 30 });
      plane.startRelay();
      const one = plane.statistics();
      const two = plane.statistics();
      await plane.applied(one);
      await plane.applied(two);

      // Whichever consumed dies; the one left applies what comes next.
      const active = await plane.activeReplica([one, two]);
      const standby = active === one ? two : one;
      expect(saysConsuming(standby)).toBe(false);
      await killProcess(active.child, 'SIGKILL');
      for (let i = 0; i < 10; i++) await instanceLife(plane.store, `after-${i}`, 'shop', 'h-2');
      const done = await plane.applied(standby);
      expect(saysConsuming(standby)).toBe(true);
      expect(done.handled).toBe(done.logged);

      const followed = await readCatalogue(plane.pool);
      expect(followed.instances.filter((i) => i.id.startsWith('after-'))).toHaveLength(10);
      await killProcess(standby.child, 'SIGTERM');
      await rebuildCatalogue(plane.pool, plane.store);
      expect(await readCatalogue(plane.pool)).toEqual(followed);
    });
  });

  describe('with a stream deleted and recreated while it was away', () => {
    const plane = new Plane();
    beforeAll(() => plane.open('stats_recreated'));
    afterAll(() => plane.close());

    it('reads from the log what only the old stream held, then follows the new one', async () => {
      await appendFleetHistory(plane.store, { hosts: 3, instances: 5, label: 'a' });
      plane.startRelay();
      const first = plane.statistics();
      await plane.applied(first);
      await killProcess(first.child, 'SIGTERM');

      // Published to the old stream only, never applied.
      for (let i = 0; i < 5; i++) await instanceLife(plane.store, `old-${i}`, 'shop', 'a-1');
      await plane.relayed();
      await plane.relay.stop();
      const jsm = await plane.nc.jetstreamManager();
      await jsm.streams.delete(plane.subjects.eventStream);
      // A restarted relay recreates the stream and publishes from its own checkpoint: what comes next.
      for (let i = 0; i < 5; i++) await instanceLife(plane.store, `new-${i}`, 'shop', 'a-2');
      plane.startRelay();
      await eventually(async () => {
        const info = await jsm.streams.info(plane.subjects.eventStream).catch(() => undefined);
        return info !== undefined && info.state.messages >= 10;
      }, 120_000);

      const second = plane.statistics();
      await plane.applied(second);
      await killProcess(second.child, 'SIGTERM');
      const followed = await readCatalogue(plane.pool);
      const open = followed.instances.filter((i) => i.ended_at === null).map((i) => i.id);
      expect(open).toEqual(expect.arrayContaining(['old-0', 'old-4', 'new-0', 'new-4']));
      await rebuildCatalogue(plane.pool, plane.store);
      expect(await readCatalogue(plane.pool)).toEqual(followed);
    });
  });

  describe('keeping what it handled', () => {
    const plane = new Plane();
    beforeAll(() => plane.open('stats_positions'));
    afterAll(() => plane.close());

    it('keeps no position of events no handler wants, and forgets those no delivery can bring back', async () => {
      await appendFleetHistory(plane.store, { hosts: 3, instances: 10 });
      plane.startRelay();
      const statistics = plane.statistics();
      await plane.applied(statistics);
      await killProcess(statistics.child, 'SIGTERM');

      const kept = await plane.pool.query<{ type: string }>(
        `SELECT e.type FROM statistics.handled_positions h
           JOIN eventlog.events e ON e.position = h.position WHERE h.consumer = $1`,
        [consumer],
      );
      expect(kept.rows.length).toBeGreaterThan(0);
      expect(kept.rows.filter((r) => r.type === 'InstanceRequested')).toEqual([]);

      // Once the relay's checkpoint is past them, only the last applied event's position is left.
      await eventually(async () => {
        await pruneHandledPositions(plane.pool, consumer, plane.relay.checkpointName);
        const { rows } = await plane.pool.query(
          'SELECT count(*)::int AS n FROM statistics.handled_positions WHERE consumer = $1',
          [consumer],
        );
        return rows[0].n <= 1;
      }, 60_000);
    });
  });

  describe('with a stream that dropped old messages', () => {
    const plane = new Plane();
    beforeAll(() => plane.open('stats_limits', 25));
    afterAll(() => plane.close());

    it('catches up from the Postgres log, then follows the stream again, also after a restart', async () => {
      await appendFleetHistory(plane.store, { hosts: 3, instances: 40, label: 'a' });
      plane.startRelay();
      await plane.relayed();

      const first = plane.statistics();
      const progress = await plane.applied(first);
      // The stream held only its last 25 messages: the rest came from the log.
      expect(progress.caughtUp).toBeGreaterThanOrEqual(progress.logged - 25);
      await killProcess(first.child, 'SIGKILL');

      // While it is away, far more happens than the stream keeps.
      for (let i = 0; i < 30; i++)
        await instanceLife(plane.store, `b-${i}`, 'shop', 'a-1', ['a-2']);
      await plane.relayed();
      const second = plane.statistics();
      const resumed = await plane.applied(second);
      expect(resumed.caughtUp).toBeGreaterThan(progress.caughtUp);

      // And then it follows the stream itself.
      await instanceLife(plane.store, 'c-1', 'shop', 'a-3');
      const live = await plane.applied(second);
      expect(live.caughtUp).toBe(resumed.caughtUp);
      await killProcess(second.child, 'SIGTERM');

      const followed = await readCatalogue(plane.pool);
      await rebuildCatalogue(plane.pool, plane.store);
      expect(await readCatalogue(plane.pool)).toEqual(followed);
    });
  });
});
