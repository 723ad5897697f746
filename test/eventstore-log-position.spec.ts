import {
  checkpointPassed,
  headPosition,
  readCheckpoint,
  storeCheckpoint,
  type PostgresEventStore,
} from '@federa/eventstore';
import { eventually } from '@federa/testing';
import type { Pool } from 'pg';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

const event = (n: number) => testEvent('Counted', { n });

describe('log positions and reader checkpoints', () => {
  let log: TestEventLog;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    log = await openTestEventLog('eventstore_positions', { poolSize: 2 });
    ({ pool, store } = log);
  });

  afterAll(() => log?.close());

  it('answers head position 0 for an empty log and the last position once events are appended', async () => {
    expect(await headPosition(pool)).toBe(0);
    const appended = await store.append('counter-1', 'no-stream', [event(1), event(2), event(3)]);
    expect(await headPosition(pool)).toBe(appended.lastPosition);
  });

  it('tells whether a checkpoint has passed an event, and not for a missing checkpoint or event', async () => {
    const head = await headPosition(pool);
    expect(await checkpointPassed(pool, 'reader.none', head)).toBe(false);
    const start = await readCheckpoint(pool, 'reader.one');
    expect(await checkpointPassed(pool, 'reader.one', 1)).toBe(false);
    // Readers see only what no older open transaction (anywhere on the shared server) can precede.
    const page = await eventually(async () => {
      const read = await store.readAll(start, 2);
      if (read.events.length !== 2) throw new Error(`read ${read.events.length} of 2 events`);
      return read;
    }, 20_000);
    expect(await storeCheckpoint(pool, 'reader.one', start, page.checkpoint)).toBe(true);
    expect(await checkpointPassed(pool, 'reader.one', page.events[1].position)).toBe(true);
    expect(await checkpointPassed(pool, 'reader.one', page.events[0].position)).toBe(true);
    expect(await checkpointPassed(pool, 'reader.one', head)).toBe(false);
    expect(await checkpointPassed(pool, 'reader.one', head + 100)).toBe(false);
  });
});
