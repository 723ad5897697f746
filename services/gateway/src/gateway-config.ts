import { readFileSync } from 'node:fs';
import { ConfigurationError, loadConfig, type FederaConfig } from '@federa/runtime';
import { loadSheddingConfig, type SheddingConfig } from './api/shedding/shedding-config';
import { loadRateLimitConfig, type RateLimitConfig } from './api/rate-limit/rate-limit-config';
import { loadBodyLimitBytes } from './api/validation/body-limit';
import { loadSessionConfig, type SessionConfig } from './api/session/session-config';
import {
  loadInstanceListsMode,
  type InstanceListsMode,
} from './api/instances/instance-lists-config';

/** What the gateway runs with: the shared Federa environment plus its own HTTP and log settings. */
export interface GatewayConfig extends FederaConfig {
  /** Interface to listen on. @default '0.0.0.0' (FEDERA_HTTP_HOST) */
  httpHost?: string;
  /** pino level; `silent` for tests. @default 'info' (FEDERA_LOG_LEVEL) */
  logLevel?: string;
  /** How long a command waits for the owning service. @default 5000 */
  commandTimeoutMs?: number;
  /** How long each readiness probe may take. @default 1000 */
  readinessTimeoutMs?: number;
  /**
   * The backend services /readyz pings on `<prefix>.health.<service>` (besides Postgres and NATS).
   * @default readinessServicesDefault: inventory, placement, supervision, relay, migration, statistics
   */
  readinessServices?: readonly string[];
  /**
   * Of those, the ones /readyz reports (`degraded`) without ever failing for them.
   * @default readinessInformationalDefault: statistics
   */
  readinessInformational?: readonly string[];
  /** Budgets of reads and writes beyond which requests are shed. @default sheddingDefaults (FEDERA_API_*) */
  shedding?: SheddingConfig;
  /** Requests per window and token. @default rateLimitDefaults (FEDERA_API_RATE_LIMIT, FEDERA_API_RATE_WINDOW_MS) */
  rateLimit?: RateLimitConfig;
  /** Largest request body, in bytes. @default bodyLimitDefaultBytes, 1 MiB (FEDERA_API_BODY_LIMIT) */
  bodyLimitBytes?: number;
  /**
   * Who answers instance lists: the gateway from its own memory of the log, or supervision.
   * @default 'memory' (FEDERA_GATEWAY_INSTANCE_LISTS)
   */
  instanceLists?: InstanceListsMode;
  /** Browser sessions. @default sessionDefaults (FEDERA_SESSION_TTL_MS, FEDERA_SESSION_SECURE_COOKIE) */
  session?: SessionConfig;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return {
    ...loadConfig(env),
    apiToken: env.FEDERA_API_TOKEN || adminTokenFromFile(env.FEDERA_API_TOKEN_FILE),
    httpHost: env.FEDERA_HTTP_HOST || undefined,
    logLevel: env.FEDERA_LOG_LEVEL || undefined,
    shedding: loadSheddingConfig(env),
    rateLimit: loadRateLimitConfig(env),
    bodyLimitBytes: loadBodyLimitBytes(env),
    instanceLists: loadInstanceListsMode(env),
    session: loadSessionConfig(env),
  };
}

/**
 * The admin token kept in a file (a mounted secret), so that it never sits in the environment that
 * `docker inspect`, `/proc/<pid>/environ` and the process's children show. Read once, at start:
 * a new token takes a restart. Surrounding whitespace (the file's last newline) is not part of it.
 */
function adminTokenFromFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `FEDERA_API_TOKEN_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const token = text.trim();
  if (!token) throw new ConfigurationError(`FEDERA_API_TOKEN_FILE: ${path} is empty`);
  return token;
}

/** Injection token of the GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
