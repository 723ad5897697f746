import type { Pool } from 'pg';
import { compareCheckpoints, LogHeadWatch } from './log-head-watch';

/** A pool whose head reads the test answers one by one, each with the head as it then is. */
function headsByHand() {
  const pending: (() => void)[] = [];
  let head = 0;
  const pool = {
    query: () =>
      new Promise((resolve) => {
        pending.push(() =>
          resolve({ rows: head === 0 ? [] : [{ transaction_id: '7', position: String(head) }] }),
        );
      }),
  } as unknown as Pool;
  return {
    watch: new LogHeadWatch(pool),
    started: () => pending.length,
    commit: () => (head += 1),
    answerNext: async () => {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('LogHeadWatch', () => {
  it('answers a caller from a read started after it asked, never from one already on its way', async () => {
    const log = headsByHand();
    const first = log.watch.fresh();
    log.commit(); // committed while the first read is on its way, before the second caller asks
    const second = log.watch.fresh();
    expect(log.started()).toBe(1);
    await log.answerNext();
    expect(log.started()).toBe(1); // the second caller's own read
    await log.answerNext();
    expect((await first).position).toBe(1);
    expect((await second).position).toBe(1);
    log.commit();
    const third = log.watch.fresh();
    await log.answerNext();
    expect((await third).position).toBe(2);
  });

  it('gives every caller that asks while a read is on its way the same next read', async () => {
    const log = headsByHand();
    void log.watch.fresh();
    const waiting = [log.watch.fresh(), log.watch.fresh(), log.watch.fresh()];
    await log.answerNext();
    await log.answerNext();
    expect(log.started()).toBe(0);
    const answers = await Promise.all(waiting);
    expect(new Set(answers).size).toBe(1);
  });

  it('answers the start of the log when the log is empty', async () => {
    const log = headsByHand();
    const head = log.watch.fresh();
    await log.answerNext();
    expect(await head).toEqual({ transactionId: '0', position: 0 });
  });
});

describe('compareCheckpoints', () => {
  it('orders by transaction id as a number, then by position', () => {
    const at = (transactionId: string, position: number) => ({ transactionId, position });
    expect(compareCheckpoints(at('9', 50), at('10', 1))).toBeLessThan(0);
    expect(compareCheckpoints(at('10', 2), at('10', 1))).toBeGreaterThan(0);
    expect(compareCheckpoints(at('10', 1), at('10', 1))).toBe(0);
    expect(compareCheckpoints(at('123', 1), at('124', 0))).toBeLessThan(0);
  });
});
