import { logStart, type EventStore, type ReadAllResult } from '@federa/eventstore';
import { eventually } from '@federa/testing';
import type { Pool } from 'pg';
import { InstanceListFollower } from './instance-list-follower';

const never = <T>() => new Promise<T>(() => undefined);

/**
 * A log whose pages and head the test decides: `pages` answers each readAll in turn (then hangs),
 * `head` each head read. Memory loads from an empty read model.
 */
function logByHand(options: {
  pages: (ReadAllResult | Promise<ReadAllResult>)[];
  head: () => Promise<{ rows: { transaction_id: string; position: string }[] }>;
}) {
  let reads = 0;
  const store = {
    readAll: () => {
      const page = options.pages[reads++];
      return page !== undefined ? Promise.resolve(page) : never<ReadAllResult>();
    },
  } as unknown as EventStore;
  const client = {
    query: (text: string) =>
      Promise.resolve({ rows: String(text).includes('to_regclass') ? [{ name: null }] : [] }),
    release: () => undefined,
  };
  const pool = { connect: async () => client, query: options.head } as unknown as Pool;
  const follower = new InstanceListFollower(pool, store, { pollMs: 60_000 });
  return { follower, reads: () => reads };
}

const shortPage: ReadAllResult = { events: [], checkpoint: logStart };
const aheadOfMemory = async () => ({ rows: [{ transaction_id: '5', position: '9' }] });

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

  it('gives up on memory at the deadline while reading the log hangs, so the read model answers', async () => {
    const { follower } = logByHand({ pages: [shortPage], head: aheadOfMemory });
    start(follower);
    await eventually(() => follower.following);
    expect(await follower.pageWhenCurrent({}, 50)).toBeUndefined();
  });

  it('gives up on memory at the deadline while reading the head hangs', async () => {
    const { follower } = logByHand({ pages: [shortPage], head: never });
    start(follower);
    await eventually(() => follower.following);
    expect(await follower.pageWhenCurrent({}, 50)).toBeUndefined();
  });

  it('does not count as following while it is still replaying a long log', async () => {
    const fullPage: ReadAllResult = {
      events: Array.from({ length: 1000 }, (_, n) => ({ streamId: `host-h${n}` })) as never,
      checkpoint: { transactionId: '1', position: 1000 },
    };
    let lastPage: (page: ReadAllResult) => void = () => undefined;
    const { follower, reads } = logByHand({
      pages: [fullPage, new Promise((resolve) => (lastPage = resolve))],
      head: aheadOfMemory,
    });
    start(follower);
    await eventually(() => reads() === 2); // the second page is on its way
    expect(follower.following).toBe(false);
    expect(await follower.pageWhenCurrent({}, 50)).toBeUndefined();
    lastPage({ events: [], checkpoint: fullPage.checkpoint });
    await eventually(() => follower.following);
  });

  it('answers from memory once it has read to the head', async () => {
    const { follower } = logByHand({
      pages: [shortPage],
      head: async () => ({ rows: [] }),
    });
    start(follower);
    await eventually(() => follower.following);
    expect(JSON.parse((await follower.pageWhenCurrent({}, 50)) ?? 'null')).toEqual({ items: [] });
  });
});
