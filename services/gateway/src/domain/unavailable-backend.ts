export type Backend = 'postgres' | 'nats';

/**
 * The URLs the gateway was configured with (FEDERA_DATABASE_URL, FEDERA_NATS_URL, a comma-separated
 * list of servers for NATS): a socket error names only the address it failed on, and these say whose
 * address that is.
 */
export interface BackendUrls {
  postgres?: string;
  nats?: string;
}

/**
 * Whether a failure means a backend (Postgres, NATS or a service behind it) cannot be reached now,
 * which the API answers 503 `unavailable`, retryable, rather than 500: answers the backend's name
 * and why, or undefined for any other failure. Errors are told apart by their code when they carry
 * one (pg's SQLSTATE, Node's errno, nats.js's codes) and by the messages pg and nats.js give
 * otherwise; a backend service's own `internal` reply carries only the message of its failure. A
 * socket error is the backend whose configured URL names the address it failed on.
 */
export function unavailableBackend(
  error: unknown,
  urls: BackendUrls = {},
): { backend: Backend; reason: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string') {
    if (postgresUnavailableStates.has(code) || code.startsWith('08'))
      return { backend: 'postgres', reason: text || code };
    if (natsUnavailableCodes.has(code)) return { backend: 'nats', reason: text || code };
    if (networkErrnos.has(code))
      return { backend: backendOfNetworkError(text, urls), reason: text || code };
  }
  for (const [pattern, backend] of unavailableMessages)
    if (pattern.test(text))
      return { backend: backend ?? backendOfNetworkError(text, urls), reason: text };
  return undefined;
}

/**
 * SQLSTATEs of a server that is going away or not there yet: admin/crash shutdown (57P01-57P03),
 * cannot connect now (57P03), and class 08 (connection exceptions, checked by prefix).
 */
const postgresUnavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** nats.js ErrorCode values of a connection that is down or a subject nobody answers. */
const natsUnavailableCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DRAINING',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'DISCONNECT',
  'NO_RESPONDERS',
  '503',
  'TIMEOUT',
]);

const networkErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * A socket error names an address, not a backend: the backend whose configured URL has that address
 * (host and port, else the port alone, since the URL may name a host by name and the error by its
 * address). An address neither URL names is Postgres: a backend service's `internal` reply repeats
 * the error of its own database, since a service that could not reach NATS could not have replied.
 */
function backendOfNetworkError(message: string, urls: BackendUrls): Backend {
  const addresses = [...message.matchAll(/([\w.-]+|\[[\da-f:]+\]):(\d+)\b/gi)].map(
    ([, host, port]) => ({ host: host.toLowerCase(), port }),
  );
  const endpoints: { backend: Backend; host: string; port: string }[] = [
    ...endpointsOf(urls.nats, '4222').map((e) => ({ backend: 'nats' as const, ...e })),
    ...endpointsOf(urls.postgres, '5432').map((e) => ({ backend: 'postgres' as const, ...e })),
  ];
  for (const address of addresses) {
    const exact = endpoints.find((e) => e.host === address.host && e.port === address.port);
    if (exact) return exact.backend;
  }
  for (const address of addresses) {
    const samePort = endpoints.filter((e) => e.port === address.port);
    if (samePort.length > 0 && samePort.every((e) => e.backend === samePort[0].backend))
      return samePort[0].backend;
  }
  return 'postgres';
}

/** Host and port of each server a URL (or comma-separated list of URLs) names; unparsable ones left out. */
function endpointsOf(
  urls: string | undefined,
  defaultPort: string,
): { host: string; port: string }[] {
  if (!urls) return [];
  return urls.split(',').flatMap((text) => {
    const trimmed = text.trim();
    try {
      // nats.js takes bare host:port too.
      const url = new URL(trimmed.includes('://') ? trimmed : `nats://${trimmed}`);
      return [{ host: url.hostname.toLowerCase(), port: url.port || defaultPort }];
    } catch {
      return [];
    }
  });
}

/**
 * What pg and nats.js say (and what a service's `internal` reply repeats) when a backend is away;
 * undefined where only the address in the message says which backend.
 */
const unavailableMessages: [RegExp, Backend | undefined][] = [
  [/\bconnect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/, undefined],
  [/\bread ECONNRESET\b/, undefined],
  [/terminating connection due to administrator command/i, 'postgres'],
  [/the database system is (starting up|shutting down|in recovery mode)/i, 'postgres'],
  [/Connection terminated/i, 'postgres'],
  [/timeout exceeded when trying to connect/i, 'postgres'],
  [/Client has encountered a connection error and is not queryable/i, 'postgres'],
  [/server closed the connection unexpectedly/i, 'postgres'],
  [/did not reach position \d+ in \d+ ms/, 'postgres'],
];
