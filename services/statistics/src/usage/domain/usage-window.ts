import type { FieldError } from '@federa/contracts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const defaultWindowMs = 3_600_000;

/** The window `GET /v1/usage` reads, epoch ms: `from` inclusive, `to` exclusive. */
export interface UsageWindow {
  from: number;
  to: number;
}

export type UsageWindowCheck =
  { ok: true; window: UsageWindow } | { ok: false; errors: FieldError[] };

/**
 * The window a usage query asks for, checked against the minute rows it is read from. Usage is
 * answered per instance and host, which only the minute rows hold (the rollups are per instance or
 * per host, never both), so a window longer than the minutes kept is refused rather than grouping
 * millions of rows or silently answering a part of it. A `from` older than the minutes kept but
 * within that length starts at the oldest minute kept: retention runs in the background, so a
 * client asking for exactly "the last N days" must not get a 400 for a few seconds of drift.
 */
export function usageWindow(
  asked: { from?: string; to?: string },
  now: number,
  minuteRetentionDays: number,
): UsageWindowCheck {
  const to = asked.to ? Date.parse(asked.to) : now;
  const from = asked.from ? Date.parse(asked.from) : to - defaultWindowMs;
  const keptMs = minuteRetentionDays * DAY;
  const oldestKept = Math.floor((now - keptMs) / MINUTE) * MINUTE;
  const days = `${minuteRetentionDays} day${minuteRetentionDays === 1 ? '' : 's'}`;
  const errors: FieldError[] = [];
  if (!(from < to)) errors.push({ path: 'from', reason: 'must be before to' });
  if (from > now)
    errors.push(
      asked.from
        ? { path: 'from', reason: 'must not be in the future' }
        : {
            path: 'to',
            reason: 'more than an hour ahead: the default from would be in the future',
          },
    );
  if (to <= oldestKept)
    errors.push({
      path: 'to',
      reason: `must be after the oldest minute kept, ${new Date(oldestKept).toISOString()} (minutes are kept ${days})`,
    });
  if (from < to && to - from > keptMs)
    errors.push({
      path: 'from',
      reason: `window longer than the ${days} minutes are kept: the longest window is ${days}`,
    });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, window: { from: Math.max(from, oldestKept), to } };
}
