import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@federa/contracts';
import { InMemoryEventStore } from '../in-memory';
import type { LogCheckpoint, ReadAllResult } from '../event-store';
import type { BackoffPolicy } from '@federa/runtime/backoff';
import { acceptAnyObject } from '../validation/event-validator';
import { LogSubscription } from './log-subscription';

/** The attempt numbers the subscription asks the backoff for, in order: how far apart its retries grow. */
const backoffAttempts: number[] = [];
jest.mock('@federa/runtime/backoff', () => {
  const actual =
    jest.requireActual<typeof import('@federa/runtime/backoff')>('@federa/runtime/backoff');
  return {
    ...actual,
    backoffDelayMs: (attempt: number, ...rest: [BackoffPolicy]) => {
      backoffAttempts.push(attempt);
      return actual.backoffDelayMs(attempt, ...rest);
    },
  };
});

function counted(n: number): NewEvent {
  return {
    type: 'Counted',
    data: { n },
    metadata: { correlationId: randomUUID(), actor: 'test', occurredAt: new Date().toISOString() },
  };
}

/** The log in memory, whose reads fail while `down` (a database restarting under the reader). */
class FlakyStore extends InMemoryEventStore {
  down = false;
  /** The catch-up cursor loses its connection after its first page. */
  breakCursor = false;
  failedReads = 0;

  override async readAll(after: LogCheckpoint | null, limit: number): Promise<ReadAllResult> {
    if (this.down) {
      this.failedReads++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    }
    return super.readAll(after, limit);
  }

  override async *readAllPages(after: LogCheckpoint | null, pageSize: number) {
    for await (const page of super.readAllPages(after, pageSize)) {
      yield page;
      if (this.breakCursor) throw new Error('terminating connection due to administrator command');
    }
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500 && !check(); turn++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('a log subscription', () => {
  it('retries failed reads from the last page handed over, and sees every event once, in order', async () => {
    const store = new FlakyStore({ validate: acceptAnyObject });
    await store.append('counter-1', 'no-stream', [counted(1), counted(2)]);
    const seen: number[] = [];
    const retries: number[] = [];
    const subscription = new LogSubscription(
      store,
      async (events: RecordedEvent[]) => {
        seen.push(...events.map((e) => (e.data as { n: number }).n));
      },
      {
        pollMs: 5,
        readRetry: { baseMs: 5, maxMs: 20 },
        onReadRetry: (_error, attempt) => retries.push(attempt),
      },
    );
    await until(() => seen.length === 2);

    store.down = true;
    await until(() => store.failedReads >= 3);
    await store.append('counter-1', 2, [counted(3), counted(4)]);
    store.down = false;

    await until(() => seen.length === 4);
    await subscription.stop();
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(retries.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('goes on with plain reads when its catch-up cursor breaks off', async () => {
    const store = new FlakyStore({ validate: acceptAnyObject });
    for (let n = 1; n <= 6; n++) await store.append(`counter-${n}`, 'no-stream', [counted(n)]);
    store.breakCursor = true;
    const seen: number[] = [];
    const subscription = new LogSubscription(
      store,
      async (events) => {
        seen.push(...events.map((e) => (e.data as { n: number }).n));
      },
      { batchSize: 2, pollMs: 5, readRetry: { baseMs: 5, maxMs: 20 } },
    );
    await until(() => seen.length === 6);
    await subscription.stop();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops when its handler fails, and says why', async () => {
    const store = new InMemoryEventStore({ validate: acceptAnyObject });
    await store.append('counter-1', 'no-stream', [counted(1)]);
    const subscription = new LogSubscription(
      store,
      async () => {
        throw new Error('the read model is broken');
      },
      { pollMs: 5 },
    );
    await expect(subscription.done).rejects.toThrow('the read model is broken');
  });

  it('stops when its handler fails and nothing can recover, and reads unhealthy', async () => {
    const store = new InMemoryEventStore({ validate: acceptAnyObject });
    await store.append('counter-1', 'no-stream', [counted(1)]);
    const subscription = new LogSubscription(
      store,
      async () => {
        throw new Error('the database went away');
      },
      { pollMs: 5 },
    );
    await subscription.done.catch(() => undefined);
    expect(subscription.healthy).toBe(false);
  });

  it('recovers from failed handlers by replaying from the checkpoint its consumer answers, so that every event is applied once', async () => {
    const store = new FlakyStore({ validate: acceptAnyObject });
    for (let n = 1; n <= 5; n++) await store.append(`counter-${n}`, 'no-stream', [counted(n)]);
    let view: number[] = [];
    let failuresLeft = 3;
    let recoveries = 0;
    const errors: string[] = [];
    let unhealthySeen = false;
    const subscription: LogSubscription = new LogSubscription(
      store,
      async (events) => {
        for (const event of events) {
          const n = (event.data as { n: number }).n;
          // Half the page is applied before the failure, as a handler writing row by row would.
          if (n === 4 && failuresLeft > 0) {
            failuresLeft--;
            throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
          }
          view.push(n);
        }
      },
      {
        batchSize: 2,
        pollMs: 5,
        readRetry: { baseMs: 5, maxMs: 20 },
        onError: (error) => {
          errors.push((error as Error).message);
          unhealthySeen ||= !subscription.healthy;
        },
        recover: async () => {
          recoveries++;
          // The consumer's durable checkpoint is the start of the log: it empties its view.
          if (recoveries === 1) throw new Error('still down');
          view = [];
          return null;
        },
      },
    );
    await until(() => view.length === 5 && subscription.healthy);
    await store.append('counter-6', 'no-stream', [counted(6)]);
    await until(() => view.length === 6);
    await subscription.stop();
    expect(view).toEqual([1, 2, 3, 4, 5, 6]);
    expect(errors).toContain('still down');
    expect(errors.filter((e) => e.includes('ECONNREFUSED'))).toHaveLength(3);
    expect(unhealthySeen).toBe(true);
  });

  it('backs off further on every recovery from a page that always fails, although the replay before it goes through', async () => {
    const store = new InMemoryEventStore({ validate: acceptAnyObject });
    for (let n = 1; n <= 5; n++) await store.append(`counter-${n}`, 'no-stream', [counted(n)]);
    let recoveries = 0;
    let healthyBetweenRecoveries = false;
    let broken = true;
    let view: number[] = [];
    backoffAttempts.length = 0;
    const subscription: LogSubscription = new LogSubscription(
      store,
      async (events) => {
        for (const event of events) {
          const n = (event.data as { n: number }).n;
          if (n === 3 && broken) throw new Error('event 3 breaks the read model');
          view.push(n);
        }
        // Pages 1-2 replay fine before every failure: they must not make the subscription healthy.
        if (recoveries > 0) healthyBetweenRecoveries ||= subscription.healthy;
      },
      {
        batchSize: 2,
        pollMs: 5,
        readRetry: { baseMs: 1, maxMs: 2 },
        onError: () => undefined,
        recover: () => {
          recoveries++;
          view = [];
          return null;
        },
      },
    );
    try {
      await until(() => recoveries >= 6);
      // Each recovery waits on the next attempt of the backoff, not on its first one again.
      expect(backoffAttempts.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(healthyBetweenRecoveries).toBe(false);
      expect(subscription.healthy).toBe(false);

      // Once the failed page goes through, the subscription is healthy.
      broken = false;
      await until(() => view.length === 5 && subscription.healthy);
      expect(view).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await subscription.stop();
    }
  });
});
