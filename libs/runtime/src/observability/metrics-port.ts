import { ConfigurationError } from '../federa-config';

/**
 * FEDERA_METRICS_PORT: the port of a process's health and metrics endpoints. Unset (or empty): the
 * process opens none; `0`: a free port, which the process logs.
 */
export function metricsPortFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.FEDERA_METRICS_PORT;
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65_535)
    throw new ConfigurationError(
      `FEDERA_METRICS_PORT must be a port number (0 for a free one), got ${JSON.stringify(raw)}`,
    );
  return port;
}
