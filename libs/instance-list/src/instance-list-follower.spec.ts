import type { RecordedEvent } from '@federa/contracts';
import {
  logStart,
  type EventStore,
  type LogCheckpoint,
  type ReadAllResult,
} from '@federa/eventstore';
import { eventually } from '@federa/testing';
import type { Pool } from 'pg';
import { InstanceListFollower } from './instance-list-follower';

const requested = (id: string, position: number): RecordedEvent => ({
  position,
  streamId: `instance-${id}`,
  streamVersion: 1,
  type: 'InstanceRequested',
  schemaVersion: 1,
  data: { instance: id, service: 'shop', app: 'web', layer: 'sim', revision: 1 },
  metadata: { correlationId: 'c', actor: 'test', occurredAt: '2026-01-01T00:00:00Z' },
  eventId: `e-${position}`,
  recordedAt: '2026-01-01T00:00:00Z',
});

const at = (position: number): LogCheckpoint => ({ transactionId: '7', position });

/**
 * A log of `events` read in pages after a checkpoint, its head the last event's; `readsFrom` says
 * where each readAll started.
 */
function logOf(events: RecordedEvent[]) {
  const readsFrom: LogCheckpoint[] = [];
  const store = {
    readAll: async (after: LogCheckpoint | null, limit: number): Promise<ReadAllResult> => {
      const from = after ?? logStart;
      readsFrom.push(from);
      const page = events.filter((e) => e.position > from.position).slice(0, limit);
      return { events: page, checkpoint: page.length > 0 ? at(page.at(-1)!.position) : from };
    },
  } as unknown as EventStore;
  const head = async () => ({
    rows: events.length === 0 ? [] : [{ transaction_id: '7', position: String(events.length) }],
  });
  const pool = { query: head } as unknown as Pool;
  return { store, pool, readsFrom, events };
}

describe('InstanceListFollower', () => {
  const started: InstanceListFollower[] = [];
  const start = (follower: InstanceListFollower) => {
    started.push(follower);
    follower.start();
    return follower;
  };
  afterEach(async () => {
    for (const follower of started.splice(0)) await follower.stop();
  });

  it('folds the whole log from its start when given no snapshot', async () => {
    const log = logOf([requested('web-2', 1), requested('web-1', 2)]);
    const follower = start(new InstanceListFollower(log.pool, log.store, { pollMs: 60_000 }));
    await eventually(() => follower.following);
    expect(log.readsFrom[0]).toEqual(logStart);
    const page = JSON.parse((await follower.pageWhenCurrent({}, 1000)) ?? 'null');
    expect(page.items.map((i: { id: string }) => i.id)).toEqual(['web-1', 'web-2']);
  });

  it('starts from the snapshot it is given and reads the log after its checkpoint', async () => {
    const log = logOf([requested('web-1', 1), requested('web-2', 2)]);
    const follower = start(
      new InstanceListFollower(log.pool, log.store, {
        pollMs: 60_000,
        snapshot: async (put) => {
          put(
            {
              id: 'web-1',
              service: 'shop',
              app: 'web',
              layer: 'sim',
              state: 'pending',
              since: 'x',
              revision: 1,
            },
            'web-1',
          );
          return at(1);
        },
      }),
    );
    await eventually(() => follower.following);
    expect(log.readsFrom[0]).toEqual(at(1));
    expect(follower.view('web-1')?.since).toBe('x');
    expect(follower.view('web-2')?.state).toBe('pending');
  });

  it('answers a list only after reading the events committed before it was asked', async () => {
    const log = logOf([requested('web-1', 1)]);
    const follower = start(new InstanceListFollower(log.pool, log.store, { pollMs: 60_000 }));
    await eventually(() => follower.following);
    log.events.push(requested('web-2', 2)); // committed after memory's last look
    const page = JSON.parse((await follower.pageWhenCurrent({}, 1000)) ?? 'null');
    expect(page.items.map((i: { id: string }) => i.id)).toEqual(['web-1', 'web-2']);
  });
});
