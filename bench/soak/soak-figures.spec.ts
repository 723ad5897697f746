import { growth, maxKnown, percentile, sampleAtOrAfter, warmUpMs } from './soak-figures';

describe('soak figures', () => {
  it('takes the nearest-rank percentile, and none of no values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile([], 99)).toBeNull();
  });

  it('warms up for a fifth of the churn, at least a minute, never past its end', () => {
    expect(warmUpMs(30 * 60_000)).toBe(6 * 60_000);
    expect(warmUpMs(2 * 60_000)).toBe(60_000);
    expect(warmUpMs(30_000)).toBe(30_000);
  });

  it('measures growth against the after-warm-up value, unknown when either end is unknown or the base is 0', () => {
    expect(growth(100, 110)).toBe(0.1);
    expect(growth(100, 95)).toBe(-0.05);
    expect(growth(null, 10)).toBeNull();
    expect(growth(0, 10)).toBeNull();
  });

  it('takes the largest known growth', () => {
    expect(maxKnown([0.01, null, 0.2, -0.3])).toBe(0.2);
    expect(maxKnown([null])).toBeNull();
  });

  it('picks the first sample at or after an instant, else the last', () => {
    const samples = [{ atMs: 10 }, { atMs: 20 }, { atMs: 30 }];
    expect(sampleAtOrAfter(samples, 15)).toBe(samples[1]);
    expect(sampleAtOrAfter(samples, 99)).toBe(samples[2]);
  });
});
