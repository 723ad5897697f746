import { readFileSync } from 'node:fs';
import { ConfigurationError } from './federa-config';

/**
 * The `sslmode` values the pg client knows. Its meanings are not libpq's (docs/security/tls.md):
 * `prefer`, `require` and `verify-ca` verify the certificate and the host name as `verify-full`
 * does, and `no-verify` encrypts without verifying; any other value would be ignored silently.
 */
const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/** The URL parameters naming files the pg client reads at every connection: TLS's CA, certificate and key. */
const FILE_PARAMETERS = ['sslrootcert', 'sslcert', 'sslkey'];

/**
 * Env variable `name` as a PostgreSQL URL, `fallback` when unset or empty. Its TLS parameters
 * (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`) are checked now, naming `name`: otherwise a typo
 * or an unreadable file would only show as a failed connection, at the first query.
 */
export function databaseUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // The query alone: the pg client also takes forms a URL parser refuses (`postgres://u@/db?host=/run`).
  const query = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
  const parameters = new URLSearchParams(query);
  const mode = parameters.get('sslmode');
  if (mode !== null && !SSL_MODES.includes(mode))
    throw new ConfigurationError(
      `${name}: sslmode must be one of ${SSL_MODES.join(', ')}, got ${JSON.stringify(mode)}`,
    );
  for (const parameter of FILE_PARAMETERS) {
    const path = parameters.get(parameter);
    if (path === null) continue;
    try {
      readFileSync(path);
    } catch (error) {
      throw new ConfigurationError(
        `${name}: ${parameter} must name a readable file, got ${JSON.stringify(path)} (${(error as Error).message})`,
      );
    }
  }
  if (parameters.has('sslcert') !== parameters.has('sslkey'))
    throw new ConfigurationError(
      `${name}: sslcert and sslkey must be given together (a client certificate and its key)`,
    );
  return raw;
}
