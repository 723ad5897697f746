import { ageOf } from './age';

const now = Date.parse('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('the AGE of a time', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [7 * 60_000 + 12_000, '7m12s'],
    [42 * 60_000 + 30_000, '42m'],
    [3 * 3600_000 + 20 * 60_000, '3h20m'],
    [2 * 3600_000, '2h'],
    [5 * 86400_000 + 3 * 3600_000, '5d3h'],
    [12 * 86400_000 + 5 * 3600_000, '12d'],
  ])('reads %d ms ago as %s', (ms, text) => {
    expect(ageOf(ago(ms), now)).toBe(text);
  });

  it('reads a time slightly ahead of the clock as 0s, and no time or a bad one as empty', () => {
    expect(ageOf(ago(-3000), now)).toBe('0s');
    expect(ageOf(null, now)).toBe('');
    expect(ageOf(undefined, now)).toBe('');
    expect(ageOf('yesterday', now)).toBe('');
  });
});
