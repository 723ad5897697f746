import { urlWithoutCredentials } from '../../runtime/src/url-without-credentials';
import type { NatsSecurity } from './nats-connection';

/**
 * nats.js's codes for a server that reached us and turned our identity away: wrong or revoked
 * credentials, an expired account or user, or a user that may not even connect. Waiting does not
 * change any of them, so the first connection stops instead of retrying.
 */
const IDENTITY_REFUSALS = new Set([
  'AUTHORIZATION_VIOLATION',
  'AUTHENTICATION_EXPIRED',
  'AUTHENTICATION_TIMEOUT',
  'PERMISSIONS_VIOLATION',
  'ACCOUNT_EXPIRED',
  'BAD_AUTHENTICATION',
  'BAD_CREDS',
]);

/** The refusal to report when the server turned the first connection's identity away, else undefined. */
export function natsAuthRefusal(
  error: unknown,
  servers: string,
  security: NatsSecurity,
): NatsAuthRefusal | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !IDENTITY_REFUSALS.has(code)) return undefined;
  const text = (typeof message === 'string' ? message : String(error)).trim();
  const identity = security.credentialsFile
    ? `the identity in FEDERA_NATS_CREDENTIALS (${security.credentialsFile}): is it revoked, or another identity's?`
    : 'this process (FEDERA_NATS_CREDENTIALS is not set): does the server ask for credentials?';
  return new NatsAuthRefusal(
    `NATS at ${urlWithoutCredentials(servers)} refused ${identity} ${text} (${code})`,
    code,
  );
}

/** A first connection whose identity NATS refused: a configuration to fix, not an outage to wait out. */
export class NatsAuthRefusal extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'NatsAuthRefusal';
  }
}
