/**
 * Whether a failure means a backend (Postgres, NATS or a service behind it) cannot be reached now,
 * which the API answers 503 `unavailable`, retryable, rather than 500: answers the backend's name
 * and why, or undefined for any other failure. Errors are told apart by their code when they carry
 * one (pg's SQLSTATE, Node's errno, nats.js's codes) and by the messages pg and nats.js give
 * otherwise; a backend service's own `internal` reply carries only the message of its failure.
 */
export function unavailableBackend(
  error: unknown,
): { backend: 'postgres' | 'nats'; reason: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (typeof code === 'string') {
    if (postgresUnavailableStates.has(code) || code.startsWith('08'))
      return { backend: 'postgres', reason: text || code };
    if (natsUnavailableCodes.has(code)) return { backend: 'nats', reason: text || code };
    if (networkErrnos.has(code))
      return { backend: backendOfNetworkError(text), reason: text || code };
  }
  for (const [pattern, backend] of unavailableMessages)
    if (pattern.test(text)) return { backend, reason: text };
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

/** A socket error names no backend; the NATS port is the only other one the API talks to. */
function backendOfNetworkError(message: string): 'postgres' | 'nats' {
  return /:4222\b/.test(message) ? 'nats' : 'postgres';
}

/** What pg and nats.js say (and what a service's `internal` reply repeats) when a backend is away. */
const unavailableMessages: [RegExp, 'postgres' | 'nats'][] = [
  [/\bconnect (ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/, 'postgres'],
  [/\bread ECONNRESET\b/, 'postgres'],
  [/terminating connection due to administrator command/i, 'postgres'],
  [/the database system is (starting up|shutting down|in recovery mode)/i, 'postgres'],
  [/Connection terminated/i, 'postgres'],
  [/timeout exceeded when trying to connect/i, 'postgres'],
  [/Client has encountered a connection error and is not queryable/i, 'postgres'],
  [/server closed the connection unexpectedly/i, 'postgres'],
  [/did not reach position \d+ in \d+ ms/, 'postgres'],
];
