import { Subjects } from '@federa/contracts';
import { databaseUrl } from './database-url';

/** Environment of every Federa process (docs/reference/configuration.md). */
export interface FederaConfig {
  databaseUrl: string;
  natsUrl: string;
  httpPort: number;
  apiToken: string | undefined;
  heartbeatMs: number;
  /** Prefix of every NATS subject and JetStream name; tests use a unique one per run. */
  subjectPrefix: string;
}

export const configDefaults = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/federa',
  natsUrl: 'nats://127.0.0.1:4222',
  httpPort: 8080,
  heartbeatMs: 1000,
  subjectPrefix: 'federa',
} as const;

/** A malformed environment variable, named in the message: the process stops before it starts. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** Reads the environment; a malformed value names its variable and stops the process early. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): FederaConfig {
  return {
    databaseUrl: databaseUrl(env, 'FEDERA_DATABASE_URL', configDefaults.databaseUrl),
    natsUrl: env.FEDERA_NATS_URL || configDefaults.natsUrl,
    httpPort: positiveInt(env, 'FEDERA_HTTP_PORT', configDefaults.httpPort),
    apiToken: env.FEDERA_API_TOKEN || undefined,
    heartbeatMs: positiveInt(env, 'FEDERA_HEARTBEAT_MS', configDefaults.heartbeatMs),
    subjectPrefix: subjectPrefix(env, 'FEDERA_SUBJECT_PREFIX', configDefaults.subjectPrefix),
  };
}

/** Env variable `name` as a positive integer, `fallback` when unset or empty; throws naming `name` otherwise. */
export function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Env variable `name` as a whole number (0 or more), `fallback` when unset or empty; throws naming `name` otherwise. */
export function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigurationError(
      `${name} must be a whole number (0 or more), got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Env variable `name` as a NATS subject prefix, `fallback` when unset or empty; throws naming `name` otherwise. */
export function subjectPrefix(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return new Subjects(raw).prefix; // the one definition of a valid prefix
  } catch {
    throw new ConfigurationError(
      `${name} must be letters, digits, "_" or "-" (one NATS subject token), got ${JSON.stringify(raw)}`,
    );
  }
}

/** Env variable `name` as an integer of `min` or more, `fallback` when unset or empty; throws naming `name` otherwise. */
export function intAtLeast(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigurationError(
      `${name} must be an integer of ${min} or more, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Env variable `name` as a number above 0 and at most `max`, `fallback` when unset or empty; throws naming `name` otherwise. */
export function positiveNumberUpTo(
  env: NodeJS.ProcessEnv,
  name: string,
  max: number,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigurationError(
      `${name} must be a number above 0 and at most ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/**
 * Env variable `name` as a JetStream durable consumer name, `fallback` when unset or empty; throws
 * naming `name` otherwise. NATS refuses `.`, `*`, `>`, path separators and whitespace in one (and
 * only says so when the consumer is created, long after start): letters, digits, `_` and `-` only.
 */
export function durableName(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) {
    throw new ConfigurationError(
      `${name} must be 1 to 200 letters, digits, "_" or "-" (a JetStream durable name), got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}
