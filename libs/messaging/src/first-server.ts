import { connect, type ConnectionOptions } from 'nats';
import { urlWithoutCredentials } from '../../runtime/src/url-without-credentials';
import type { NatsSecurity } from './nats-connection';
import { natsAuthRefusal } from './nats-auth-refusal';
import { natsTlsRefusal } from './nats-tls-refusal';

/**
 * Failures of a server that is not there yet (down, starting, unreachable, slow): the only ones worth
 * waiting out. nats.js's own codes, and Node's socket codes for the ones it passes through.
 */
const UNREACHABLE = new Set([
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'CONNECTION_CLOSED',
  'TIMEOUT',
  'DISCONNECT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Whether a failed first connection is a server that is not reachable yet (rather than one that said no). */
export function serverUnreachable(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/** How many failed attempts between two "still waiting" lines (at 250 ms apart, one every 10 s). */
const ATTEMPTS_PER_LOG_LINE = 40;

/**
 * Waits until a server accepts a connection (and closes it). A server that cannot be reached is
 * waited for, with a line every 10 s; one that refuses our certificate (`NatsTlsRefusal`) or our
 * identity (`NatsAuthRefusal`) ends the wait with the reason; any other failure is said at once and
 * waited out. Waiting on the first connection, nats.js retries every failure forever and says
 * nothing: the process would hang instead of naming its configuration. A trial connection, rather
 * than `waitOnFirstConnect: false` on the real one, because the latter drops each server that is
 * down at start from the list it later reconnects to.
 */
export async function firstServerAccepts(
  url: string,
  options: ConnectionOptions,
  security: NatsSecurity,
  log: (line: string) => void = (line) => console.warn(line),
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const trial = await connect({ ...options, waitOnFirstConnect: false, reconnect: false });
      await trial.close();
      return;
    } catch (error) {
      const refusal = natsTlsRefusal(error, url, security) ?? natsAuthRefusal(error, url, security);
      if (refusal) throw refusal;
      // Anything else unforeseen is waited out too (a server that fails in a new way may recover),
      // but said at once, so that a process never waits in silence on something that is not a start.
      const unforeseen = !serverUnreachable(error);
      if (attempt % ATTEMPTS_PER_LOG_LINE === 0 || (unforeseen && attempt === 1))
        log(
          `NATS at ${urlWithoutCredentials(url)} ${unforeseen ? 'refuses the connection' : 'is not reachable yet'} ` +
            `(${(error as Error).message}); still waiting after ${attempt} attempts`,
        );
      await new Promise((resolve) => setTimeout(resolve, options.reconnectTimeWait ?? 250));
    }
  }
}
