/**
 * How long ago `iso` was, as kubectl's AGE column shows it: `45s`, `7m12s` under ten minutes, `3h20m`
 * under a day, `5d3h` under a week, then `12d`; empty for no time or one that cannot be read. A time
 * ahead of `now` (clocks a little apart) reads `0s`.
 */
export function ageOf(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (seconds < 60) return `${seconds}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (hours < 1) return `${minutes}m`;
  if (days < 1) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (days < 7) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return `${days}d`;
}
