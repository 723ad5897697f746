import {
  drainRetryBackoffMs,
  isTransientRollback,
  retryAfter,
  type EndedMove,
} from './drain-retry';

const endedAt = Date.parse('2025-01-01T00:00:00.000Z');
const timeout = 'start-target: agent h3 did not answer start: NatsError: TIMEOUT';
const rolledBack = (n: number, why = timeout): EndedMove[] =>
  Array.from({ length: n }, (_, k) => ({
    migration: `mig-${k + 1}`,
    status: 'rolled-back',
    why,
    endedAt: endedAt - (n - 1 - k) * 60_000,
  }));

describe('telling a transient rollback from one for the operator', () => {
  it.each([
    timeout,
    'stop-source: agent h1 did not answer stop: NatsError: 503',
    'import: import on h3: no outcome in 120000 ms',
    'start-target: host h3 is not up',
    'verify: web-1 not healthy on h3 in time: agent h3 did not answer probe: NatsError: TIMEOUT',
  ])('calls transient an end that did not answer in time: %s', (reason) => {
    expect(isTransientRollback(reason)).toBe(true);
  });

  it.each([
    'import: import on h3 failed: no space left on device',
    'verify: web-1 not healthy on h3 in time: connection refused',
    'start-target: no spec for shop/web',
    'failed',
    '',
  ])('leaves to the operator an end that answered with a failure: %s', (reason) => {
    expect(isTransientRollback(reason)).toBe(false);
  });
});

describe('retrying a move the drain saw rolled back', () => {
  it('waits for the backoff counted from the recorded end, then retries', () => {
    const first = rolledBack(1);
    expect(retryAfter(first, endedAt + drainRetryBackoffMs[0]! - 1)).toMatchObject({
      kind: 'wait',
      until: endedAt + drainRetryBackoffMs[0]!,
    });
    expect(retryAfter(first, endedAt + drainRetryBackoffMs[0]!)).toEqual({ kind: 'retry' });
  });

  it('waits longer after each rollback: 5 s, 15 s, then 45 s', () => {
    expect(drainRetryBackoffMs).toEqual([5_000, 15_000, 45_000]);
    for (const [k, backoff] of drainRetryBackoffMs.entries())
      expect(retryAfter(rolledBack(k + 1), endedAt)).toMatchObject({
        kind: 'wait',
        until: endedAt + backoff,
      });
  });

  it('tries no more after the fourth move rolled back', () => {
    const decision = retryAfter(rolledBack(4), endedAt + 3_600_000);
    expect(decision).toEqual({
      kind: 'blocked',
      reason: `its move was rolled back (migration mig-4): ${timeout}; the drain moved it 4 times and tries no more`,
    });
  });

  it('does not retry a move that failed, or one rolled back for a reason not transient', () => {
    const failed: EndedMove[] = [{ migration: 'm', status: 'failed', why: timeout, endedAt }];
    expect(retryAfter(failed, endedAt + 3_600_000)).toEqual({
      kind: 'blocked',
      reason: `its move failed (migration m): ${timeout}`,
    });
    const refused = rolledBack(1, 'import: import on h3 failed: checksum mismatch');
    expect(retryAfter(refused, endedAt + 3_600_000).kind).toBe('blocked');
  });

  it('does not retry a move whose end has no recorded time', () => {
    const unknown: EndedMove[] = [{ migration: 'm', status: 'rolled-back', why: timeout }];
    expect(retryAfter(unknown, endedAt + 3_600_000).kind).toBe('blocked');
  });
});
