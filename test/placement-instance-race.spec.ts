// Worst case: a fresh database per attempt, and two reads of the log that wait at most 30 s each for
// what was appended to show.
import { newEvent, streamIds, type RecordedEvent } from '@federa/contracts';
import {
  migrateEventStore,
  PostgresEventStore,
  type AppendManyResult,
  type StreamAppend,
} from '@federa/eventstore';
import { decideInstance } from '@federa/instance-lifecycle';
import { eventually, freshDatabase, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { readWholeLog } from './event-log-fixture';
import { PlacementEngine } from '../services/placement/src';
import { request } from '../services/placement/src/testing/cluster-fixture';
import {
  hostRegistered,
  registerHosts,
  requestInstances,
  testMetadata,
} from '../services/placement/src/testing/log-fixture';

/** The log on Postgres; `interloper` runs once, just before the next appendMany. */
class RacingStore extends PostgresEventStore {
  interloper: (() => Promise<void>) | undefined;

  override async appendMany(appends: StreamAppend[]): Promise<AppendManyResult> {
    const interloper = this.interloper;
    this.interloper = undefined;
    if (interloper) await interloper();
    return super.appendMany(appends);
  }
}

/**
 * The whole log once readAll shows every event the table holds. readAll hides the transactions newer
 * than the oldest one still open anywhere on the server (transaction ids are server-wide, so another
 * suite's database counts): read at once, the log may lack what this test just appended, and the
 * engine would find the requested instances absent and drop them all (as test/placement-replicas
 * reads it too).
 */
async function wholeLog(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const { rows } = await store.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM eventlog.events',
  );
  // Bounded: another suite's transaction lasts seconds at worst.
  const shown = await eventually(async () => {
    const log = await readWholeLog(store);
    return log.length >= rows[0].n ? { log } : undefined;
  }, 30_000);
  // eventually resolves only with a truthy value.
  return shown!.log;
}

describe('placement racing another writer of an instance stream, on Postgres', () => {
  let db: FreshDatabase;
  let pool: Pool;

  // Each attempt on a log of its own: a retry (test/retry-once.ts) must not find the first one's streams.
  beforeEach(async () => {
    db = await freshDatabase('placement_instance_race');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
  });

  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  it('drops the placement of an instance stopped between plan and commit and commits the rest', async () => {
    const store = new RacingStore(pool);
    await registerHosts(store, [hostRegistered('race-h1'), hostRegistered('race-h2')]);
    const requests = ['race-0', 'race-1', 'race-2'].map((id) => request(id));
    await requestInstances(store, requests);
    const engine = new PlacementEngine(store);
    await engine.fold(await wholeLog(store));
    store.interloper = async () => {
      const [stopped] = decideInstance(
        { type: 'request-stop', reason: 'scale-in' },
        engine.lives.of('race-1').life,
      );
      await store.append(streamIds.instance('race-1'), 1, [
        newEvent(stopped.type, stopped.data, testMetadata()),
      ]);
    };

    const answers = await engine.place(requests, testMetadata());

    // A dropped answer carries why, so that a failure here says what the engine saw.
    expect(
      answers.map((a) => (a.outcome === 'dropped' ? `dropped: ${a.reason}` : a.outcome)),
    ).toEqual(['placed', expect.stringMatching(/^dropped: /), 'placed']);
    const log = await wholeLog(store);
    const typesOf = (id: string) =>
      log.filter((e) => e.streamId === streamIds.instance(id)).map((e) => e.type);
    expect(typesOf('race-0')).toEqual(['InstanceRequested', 'InstancePlaced']);
    expect(typesOf('race-1')).toEqual(['InstanceRequested', 'InstanceStopped']);
    expect(typesOf('race-2')).toEqual(['InstanceRequested', 'InstancePlaced']);
    const reserved = log
      .filter((e) => e.type === 'HostAllocationChanged')
      .map((e) => (e.data as { instance: string }).instance)
      .sort();
    expect(reserved).toEqual(['race-0', 'race-2']);
    const auditor = new PlacementEngine(store);
    await auditor.fold(log);
    expect(auditor.state.allocation('race-1')).toBeUndefined();
    expect(auditor.state.allocationCount).toBe(2);
  });
});
