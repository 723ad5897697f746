/**
 * The `federa_load` gauge (0..1) from a Prometheus text exposition, or undefined when absent or
 * not a number. Values outside 0..1 are clamped: the convention is a share of the app's capacity.
 */
export function parseFederaLoad(metricsText: string): number | undefined {
  const match = /^federa_load(?:\{[^}]*\})?\s+([^\s]+)/m.exec(metricsText);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) return undefined;
  return Math.min(1, Math.max(0, value));
}
