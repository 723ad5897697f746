/** How fast a replay drives its steps. */
export type Pacing =
  { kind: 'speed'; factor: number } | { kind: 'rate'; perSecond: number } | { kind: 'max' };

/**
 * When the step recorded `atMs` after the first, and `index`-th in order, is due, in ms after the
 * replay's start: the recorded pacing scaled by the speed factor (2: twice as fast), a fixed rate of
 * steps per second, or at once (--max: each as soon as the one before is answered).
 */
export function dueMs(pacing: Pacing, atMs: number, index: number): number {
  switch (pacing.kind) {
    case 'speed':
      return atMs / pacing.factor;
    case 'rate':
      return (index * 1000) / pacing.perSecond;
    case 'max':
      return 0;
  }
}

/** The `p`-th percentile (0 to 100) of the samples, nearest rank; 0 with none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
