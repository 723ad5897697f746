import { AdaptiveLimit } from './adaptive-limit';

const settings = { min: 2, max: 16, latencyTargetMs: 50, windowMs: 100 };

/**
 * Ten answers in each 100 ms window, of the window's latency, requests waiting for the limit in
 * the windows `reached` says; then one answer that closes the last window. Answers the limit.
 */
function windows(latencies: number[], reached = false, limit = new AdaptiveLimit(settings, 0)) {
  latencies.forEach((latencyMs, k) => {
    for (let i = 0; i < 10; i++) limit.record(latencyMs, k * 100 + i * 9);
    if (reached) limit.reached();
  });
  limit.record(0, latencies.length * 100);
  return limit.limit;
}

describe('adaptive concurrency limit', () => {
  it('starts at its maximum', () => {
    expect(new AdaptiveLimit(settings, 0).limit).toBe(16);
  });

  it('shrinks by a tenth for each window whose p90 is above the target, down to its minimum', () => {
    expect(windows([80])).toBe(14);
    expect(windows([80, 80])).toBe(12);
    expect(windows(Array(20).fill(80))).toBe(2);
  });

  it('grows by one per fast window only while requests had to wait for it', () => {
    expect(windows([80, 5, 5])).toBe(14);
    expect(windows([80, 80, 5, 5], true)).toBe(14);
    expect(windows([80, ...Array(20).fill(5)], true)).toBe(16);
  });

  it('ignores a few slow answers among fast ones, and waits for enough answers to judge', () => {
    const limit = new AdaptiveLimit(settings, 0);
    for (let i = 0; i < 19; i++) limit.record(5, i);
    limit.record(500, 50);
    limit.record(5, 100);
    expect(limit.limit).toBe(16);
    for (let i = 0; i < 3; i++) limit.record(500, 300 + i);
    limit.record(5, 500);
    expect(limit.limit).toBe(16);
  });
});
