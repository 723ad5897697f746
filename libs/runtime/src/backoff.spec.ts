import { backoffCeilingMs, backoffDelayMs, type BackoffPolicy } from './backoff';

const policy: BackoffPolicy = { baseMs: 100, maxMs: 1000 };

describe('backoff', () => {
  it('doubles the ceiling with every attempt from baseMs', () => {
    expect([0, 1, 2, 3].map((n) => backoffCeilingMs(n, policy))).toEqual([100, 200, 400, 800]);
  });

  it('never lets the ceiling pass maxMs, even after very many attempts', () => {
    expect(backoffCeilingMs(4, policy)).toBe(1000);
    expect(backoffCeilingMs(5000, policy)).toBe(1000);
    expect(backoffCeilingMs(Number.MAX_SAFE_INTEGER, policy)).toBe(1000);
  });

  it('treats a negative or fractional attempt as the whole attempt below it, never below the first', () => {
    expect(backoffCeilingMs(-3, policy)).toBe(100);
    expect(backoffCeilingMs(1.7, policy)).toBe(200);
  });

  it('draws the wait uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelayMs(2, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(2, policy, () => 0.999)).toBe(399);
    expect(backoffDelayMs(50, policy, () => 0.999)).toBe(999);
  });

  it('spreads the waits of clients failing together over the whole range below the ceiling', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const waits = Array.from({ length: 1000 }, () => backoffDelayMs(3, policy, random));
    expect(Math.min(...waits)).toBeLessThan(80);
    expect(Math.max(...waits)).toBeGreaterThan(720);
    expect(waits.every((w) => w >= 0 && w < 800 && Number.isInteger(w))).toBe(true);
  });

  it('draws from Math.random when given no source', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      expect(backoffDelayMs(1, policy)).toBe(50);
    } finally {
      random.mockRestore();
    }
  });
});
