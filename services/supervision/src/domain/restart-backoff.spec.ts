import { nextRestartAt, restartDelayMs } from './restart-backoff';

describe('restart backoff', () => {
  const settings = { baseMs: 100, maxMs: 1000 };

  it('replaces at once after a lone failure', () => {
    expect(restartDelayMs(0, settings)).toBe(0);
    expect(restartDelayMs(1, settings)).toBe(0);
    expect(nextRestartAt(1, 5000, settings)).toBe(0);
  });

  it('doubles the wait with every further consecutive failure', () => {
    expect([2, 3, 4, 5].map((n) => restartDelayMs(n, settings))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than the cap, even after very many failures', () => {
    expect(restartDelayMs(6, settings)).toBe(1000);
    expect(restartDelayMs(500, settings)).toBe(1000);
  });

  it('counts the wait from the last failure', () => {
    expect(nextRestartAt(3, 10_000, settings)).toBe(10_200);
  });
});
