/** The p-th percentile (nearest rank) of `values`, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** When the warm-up ends: the first 20 % of the churn, at least one minute (never past its end). */
export function warmUpMs(churnMs: number): number {
  return Math.min(churnMs, Math.max(60_000, churnMs * 0.2));
}

/** (end - base) / base, rounded to 4 digits; null when either is unknown or the base is 0. */
export function growth(
  base: number | null | undefined,
  end: number | null | undefined,
): number | null {
  if (base === null || base === undefined || end === null || end === undefined || base === 0)
    return null;
  return round((end - base) / base, 4);
}

/** The largest of the known values, or null when none is known. */
export function maxKnown(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.max(...known) : null;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A timed value series: the sample at or after `at` (the first after the warm-up), else the last. */
export function sampleAtOrAfter<T extends { atMs: number }>(
  samples: readonly T[],
  at: number,
): T | undefined {
  return samples.find((s) => s.atMs >= at) ?? samples.at(-1);
}
