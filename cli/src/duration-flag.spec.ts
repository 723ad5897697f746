import { durationFlag, formatDuration } from './duration-flag';
import { UsageError } from './exit-code';

const limits = { minMs: 1_000, maxMs: 7 * 86_400_000 };

describe('a duration flag', () => {
  it('reads amounts with their units, one or several', () => {
    expect(durationFlag('--deadline', '90s', limits)).toBe(90_000);
    expect(durationFlag('--deadline', '30m', limits)).toBe(1_800_000);
    expect(durationFlag('--deadline', '1h30m', limits)).toBe(5_400_000);
    expect(durationFlag('--deadline', '7d', limits)).toBe(604_800_000);
    expect(durationFlag('--deadline', '1500ms', limits)).toBe(1_500);
  });

  it('refuses text that is not a duration, naming the flag and the form it takes', () => {
    for (const text of ['soon', '30', '-5m', '1.5h', 'm30', ''])
      expect(() => durationFlag('--deadline', text, limits)).toThrow(
        new UsageError(
          '--deadline',
          `expected a duration like 90s, 30m, 2h or 1h30m (1s to 7d), got "${text}"`,
        ),
      );
  });

  it('refuses a duration outside its limits, naming them', () => {
    expect(() => durationFlag('--deadline', '500ms', limits)).toThrow(
      '--deadline: must be 1s to 7d, got 500ms',
    );
    expect(() => durationFlag('--deadline', '8d', limits)).toThrow(
      '--deadline: must be 1s to 7d, got 8d',
    );
    expect(durationFlag('--timeout', '30d', { minMs: 1_000 })).toBe(30 * 86_400_000);
  });

  it('writes milliseconds in the largest unit that divides them', () => {
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(1_500)).toBe('1500ms');
  });
});
