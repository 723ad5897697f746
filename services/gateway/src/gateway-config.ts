import { loadConfig, type FederaConfig } from '@federa/runtime';
import { loadSheddingConfig, type SheddingConfig } from './api/shedding/shedding-config';

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
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return {
    ...loadConfig(env),
    httpHost: env.FEDERA_HTTP_HOST || undefined,
    logLevel: env.FEDERA_LOG_LEVEL || undefined,
    shedding: loadSheddingConfig(env),
  };
}

/** Injection token of the GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
