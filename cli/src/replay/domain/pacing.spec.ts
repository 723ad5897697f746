import { dueMs, percentile } from './pacing';

describe('dueMs', () => {
  it('scales the recorded pacing by the speed, spaces steps at a fixed rate, or drives at once', () => {
    expect(dueMs({ kind: 'speed', factor: 1 }, 3000, 2)).toBe(3000);
    expect(dueMs({ kind: 'speed', factor: 4 }, 3000, 2)).toBe(750);
    expect(dueMs({ kind: 'rate', perSecond: 10 }, 3000, 2)).toBe(200);
    expect(dueMs({ kind: 'max' }, 3000, 2)).toBe(0);
  });
});

describe('percentile', () => {
  it('answers the nearest-rank percentile, and 0 without samples', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile([], 99)).toBe(0);
  });
});
