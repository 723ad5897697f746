/** The usage tables a window is read from: whole days from daily rollups, whole hours from hourly ones. */
export type UsageGrain = 'minute' | 'hour' | 'day';

export interface WindowPiece {
  grain: UsageGrain;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * `cuts`: instants (epoch ms) no piece may straddle — where a host's rates change, so that each piece
 * is priced at one rate. A cut inside a minute falls after it: a minute is priced at what held when it
 * began. A cut inside an hour makes that hour read from minutes up to the cut and from it.
 */
export function planWindowCut(
  fromMs: number,
  toMs: number,
  cuts: readonly number[],
): WindowPiece[] {
  const from = Math.floor(fromMs / MINUTE) * MINUTE;
  const to = Math.floor(toMs / MINUTE) * MINUTE;
  const edges = [
    ...new Set([from, ...cuts.map((c) => ceilTo(c, MINUTE)).filter((c) => c > from && c < to), to]),
  ].sort((a, b) => a - b);
  return edges.slice(1).flatMap((end, i) => planWindow(edges[i], end));
}

/**
 * Splits [from, to) so that a 30-day window reads ~30 daily rows per group, not 43,200 minutes:
 * minutes up to the first whole hour, hours up to the first whole day (UTC), days, then hours and
 * minutes at the end. `from` and `to` are floored to the minute (the finest grain stored).
 */
export function planWindow(fromMs: number, toMs: number): WindowPiece[] {
  const from = Math.floor(fromMs / MINUTE) * MINUTE;
  const to = Math.floor(toMs / MINUTE) * MINUTE;
  if (to <= from) return [];
  const pieces: WindowPiece[] = [];
  const push = (grain: UsageGrain, a: number, b: number): void => {
    if (b > a) pieces.push({ grain, from: a, to: b });
  };
  const hourUp = Math.min(to, ceilTo(from, HOUR));
  const hourDown = Math.max(hourUp, floorTo(to, HOUR));
  push('minute', from, hourUp);
  const dayUp = Math.min(hourDown, ceilTo(hourUp, DAY));
  const dayDown = Math.max(dayUp, floorTo(hourDown, DAY));
  push('hour', hourUp, dayUp);
  push('day', dayUp, dayDown);
  push('hour', dayDown, hourDown);
  push('minute', hourDown, to);
  return pieces;
}

function ceilTo(t: number, step: number): number {
  return Math.ceil(t / step) * step;
}

function floorTo(t: number, step: number): number {
  return Math.floor(t / step) * step;
}
