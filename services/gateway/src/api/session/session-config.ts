import { ConfigurationError, positiveInt } from '@federa/runtime';

/** How browser sessions are kept (docs/reference/configuration.md). */
export interface SessionConfig {
  /** How long a session lasts from sign-in; never past its token's expiry. */
  ttlMs: number;
  /**
   * Whether the cookie is marked Secure even on a plain-HTTP request: a gateway behind a proxy that
   * ends TLS sees plain HTTP, yet the browser talks HTTPS.
   */
  secureCookie: boolean;
}

/** A working day: a dashboard left open all day asks for the token again the next morning. */
export const sessionDefaults: SessionConfig = { ttlMs: 8 * 60 * 60 * 1000, secureCookie: false };

/**
 * The longest FEDERA_SESSION_TTL_MS: a week. An admin session (FEDERA_API_TOKEN) has no token expiry
 * to cap it, and a forgotten browser should not keep one for months.
 */
export const maxSessionTtlMs = 7 * 24 * 60 * 60 * 1000;

/** FEDERA_SESSION_TTL_MS and FEDERA_SESSION_SECURE_COOKIE; a bad value names its variable. */
export function loadSessionConfig(env: NodeJS.ProcessEnv = process.env): SessionConfig {
  const secure = env.FEDERA_SESSION_SECURE_COOKIE;
  if (secure !== undefined && secure !== '' && secure !== 'true' && secure !== 'false')
    throw new ConfigurationError(
      `FEDERA_SESSION_SECURE_COOKIE must be true or false, got ${JSON.stringify(secure)}`,
    );
  const ttlMs = positiveInt(env, 'FEDERA_SESSION_TTL_MS', sessionDefaults.ttlMs);
  if (ttlMs > maxSessionTtlMs)
    throw new ConfigurationError(
      `FEDERA_SESSION_TTL_MS must be at most ${maxSessionTtlMs} (7 days), got ${ttlMs}`,
    );
  return { ttlMs, secureCookie: secure === 'true' };
}
