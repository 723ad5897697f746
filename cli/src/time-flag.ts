import { durationFlag } from './duration-flag';
import { UsageError } from './exit-code';

/**
 * ISO 8601 as the API takes it: a date, or a date and time with its zone (a time without one would
 * be read in this machine's zone, which the server cannot know).
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** The time of an ISO 8601 flag (`--to 2026-03-01T10:00:00Z`); anything else is a UsageError naming the flag. */
export function isoTimeFlag(flag: string, text: string): string {
  const trimmed = text.trim();
  const parts = ISO_TIME.exec(trimmed);
  const ms = parts ? Date.parse(trimmed) : Number.NaN;
  // Date.parse rolls 2026-02-30 over into March: the calendar date must read back as written.
  const [, year, month, day] = parts ?? [];
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    Number.isNaN(ms) ||
    calendar.getUTCMonth() !== Number(month) - 1 ||
    calendar.getUTCDate() !== Number(day)
  ) {
    throw new UsageError(
      flag,
      `expected an ISO 8601 date or time with its zone (2026-03-01 or 2026-03-01T10:00:00Z), got "${text}"`,
    );
  }
  return new Date(ms).toISOString();
}

/**
 * A window's start: an ISO 8601 time, or a duration (`7d`, `12h`) back from `to` (or now). A text
 * that starts with a digit and has no "-" is a duration; anything else must be a time.
 */
export function windowStartFlag(
  flag: string,
  text: string,
  to: string | undefined,
  now: number,
): string {
  const back = /^\d/.test(text.trim()) && !text.includes('-');
  if (!back) return isoTimeFlag(flag, text);
  const end = to ? Date.parse(to) : now;
  return new Date(end - durationFlag(flag, text, { minMs: 60_000 })).toISOString();
}

/** Sets `to` and `from` on `query` from `--to` and `--from` (a relative `--from` counts back from `--to`). */
export function setWindowFlags(
  query: URLSearchParams,
  options: { from?: string; to?: string },
  now: number,
): void {
  const to = options.to ? isoTimeFlag('--to', options.to) : undefined;
  if (to) query.set('to', to);
  if (options.from) query.set('from', windowStartFlag('--from', options.from, to, now));
}
