import { UsageError } from './exit-code';

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `1h30m`, `90s`, `2d`: one or more amounts, each with its unit. */
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** Writes milliseconds the way the flag takes them, largest unit that divides: 90000 → `90s`. */
export function formatDuration(ms: number): string {
  const unit = ['d', 'h', 'm', 's'].find((u) => ms % unitMs[u] === 0);
  return unit ? `${ms / unitMs[unit]}${unit}` : `${ms}ms`;
}

/**
 * The milliseconds of a duration flag (`--deadline 30m`), between `limits.minMs` and
 * `limits.maxMs`; anything else is a UsageError naming the flag.
 */
export function durationFlag(
  flag: string,
  text: string,
  limits: { minMs: number; maxMs?: number },
): number {
  const range = `${formatDuration(limits.minMs)} to ${
    limits.maxMs === undefined ? 'any length' : formatDuration(limits.maxMs)
  }`;
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) {
    throw new UsageError(
      flag,
      `expected a duration like 90s, 30m, 2h or 1h30m (${range}), got "${text}"`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d)/g))
    ms += Number(amount) * unitMs[unit];
  if (ms < limits.minMs || (limits.maxMs !== undefined && ms > limits.maxMs))
    throw new UsageError(flag, `must be ${range}, got ${text}`);
  return ms;
}
