import { parseBytes } from '@federa/contracts';
import type { EventStreamSettings } from '@federa/messaging';
import { ConfigurationError } from './federa-config';

/** JetStream deduplicates within 2 minutes, and refuses a stream whose max age is shorter than that. */
const minMaxAgeMs = 120_000;
/** Below this a byte limit would hold a handful of events: surely a missing unit. */
const minMaxBytes = 1024 * 1024;

const unitMs: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The event stream's settings from `FEDERA_STREAM_REPLICAS`, `FEDERA_STREAM_MAX_AGE` and
 * `FEDERA_STREAM_MAX_BYTES` (docs/reference/configuration.md). A variable unset or empty is left out:
 * a new stream gets one replica and no limit, an existing one keeps its own. A malformed value
 * throws a ConfigurationError naming its variable.
 */
export function eventStreamSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): EventStreamSettings {
  const settings: EventStreamSettings = {};
  const { FEDERA_STREAM_REPLICAS: replicas, FEDERA_STREAM_MAX_AGE: maxAge } = env;
  const { FEDERA_STREAM_MAX_BYTES: maxBytes } = env;
  if (replicas) settings.replicas = streamReplicas(replicas, 'FEDERA_STREAM_REPLICAS');
  if (maxAge) settings.maxAgeMs = streamMaxAge(maxAge, 'FEDERA_STREAM_MAX_AGE');
  if (maxBytes) settings.maxBytes = streamMaxBytes(maxBytes, 'FEDERA_STREAM_MAX_BYTES');
  return settings;
}

/**
 * `FEDERA_STREAM_REPLICAS` alone, or undefined when unset: the replicas of what else Federa creates in
 * JetStream (host data buckets), read without the stream's other settings.
 */
export function streamReplicasFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.FEDERA_STREAM_REPLICAS;
  return raw ? streamReplicas(raw, 'FEDERA_STREAM_REPLICAS') : undefined;
}

function streamReplicas(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 5)
    throw new ConfigurationError(
      `${name} must be an integer from 1 to 5 (JetStream keeps at most 5 copies), got ${JSON.stringify(raw)}`,
    );
  return value;
}

/** `30d`, `12h`, `1d12h`, `90m`; `0` is no limit. */
function streamMaxAge(raw: string, name: string): number {
  if (raw.trim() === '0') return 0;
  const ms = durationMsFromEnv(raw, name, 'like 30d, 12h or 1d12h (0 for no limit)');
  if (ms < minMaxAgeMs)
    throw new ConfigurationError(
      `${name} must be at least 2m (the stream's duplicate window), or 0 for no limit, got ${JSON.stringify(raw)}`,
    );
  return ms;
}

/**
 * A duration written as amounts of s, m, h and d (`30s`, `1d12h`, `90m`) in milliseconds. Anything
 * else throws a ConfigurationError naming the variable, `examples` saying what it takes.
 */
export function durationMsFromEnv(raw: string, name: string, examples: string): number {
  const text = raw.trim();
  if (!/^(?:\d+[smhd])+$/.test(text))
    throw new ConfigurationError(
      `${name} must be a duration ${examples}, got ${JSON.stringify(raw)}`,
    );
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g))
    ms += Number(amount) * unitMs[unit];
  if (!Number.isSafeInteger(ms * 1e6))
    throw new ConfigurationError(`${name} is too long, got ${JSON.stringify(raw)}`);
  return ms;
}

/** `10Gi`, `500M`, `1073741824`; `0` is no limit. */
function streamMaxBytes(raw: string, name: string): number {
  if (raw.trim() === '0') return 0;
  const parsed = parseBytes(raw.trim());
  if (!parsed.ok)
    throw new ConfigurationError(
      `${name} must be a size like 10Gi or 500M (0 for no limit): ${parsed.error}`,
    );
  if (parsed.value < minMaxBytes)
    throw new ConfigurationError(
      `${name} must be at least 1Mi, or 0 for no limit, got ${JSON.stringify(raw)}`,
    );
  return parsed.value;
}
