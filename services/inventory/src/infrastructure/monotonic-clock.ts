/**
 * Milliseconds since the Unix epoch that never step: the wall clock when the process started plus
 * a monotonic count since. Liveness measures intervals (silence, lease re-reads) on it, so that a
 * step of this machine's wall clock (NTP's first correction, a resumed VM) neither declares every
 * host silent at once nor keeps a dead one alive. It drifts from the wall clock by the steps made
 * since start, which only shifts the dates liveness events carry.
 */
export function monotonicNow(): number {
  return Math.round(performance.timeOrigin + performance.now());
}
