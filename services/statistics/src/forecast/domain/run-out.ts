import type { ForecastPoint, ObservedPoint } from './demand-forecast';

/**
 * The bound of the forecast that is compared with capacity: the upper end of the 80 % interval,
 * so demand is forecast to stay below capacity with about 90 % confidence at each hour before the
 * run-out time (one-sided), without the 95 % band's width far ahead raising alarms for nothing.
 */
export const RUN_OUT_BOUND = 'upper80' as const;

/**
 * When demand's upper 80 % bound first reaches capacity, interpolated within the hour it crosses;
 * the last observation's time when demand already fills capacity; undefined if it stays below.
 */
export function runOutTime(
  lastObserved: ObservedPoint,
  points: readonly ForecastPoint[],
  capacity: number,
): string | undefined {
  if (lastObserved.value >= capacity) return lastObserved.at;
  let previous = { at: Date.parse(lastObserved.at), value: lastObserved.value };
  for (const point of points) {
    const at = Date.parse(point.at);
    const value = point[RUN_OUT_BOUND];
    if (value >= capacity) {
      const share = (capacity - previous.value) / (value - previous.value);
      return new Date(Math.round(previous.at + share * (at - previous.at))).toISOString();
    }
    previous = { at, value };
  }
  return undefined;
}

/** Whether a run-out time falls within `warnDays` of `now` (a run-out already passed included). */
export function isWithinWarning(
  runsOutAt: string | undefined,
  now: Date,
  warnDays: number,
): boolean {
  if (runsOutAt === undefined) return false;
  return Date.parse(runsOutAt) - now.getTime() <= warnDays * 86_400_000;
}
