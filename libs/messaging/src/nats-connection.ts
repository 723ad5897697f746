import { readFileSync } from 'node:fs';
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type Authenticator,
  type ConnectionOptions,
  type NatsConnection,
} from 'nats';
import { ConfigurationError } from '@federa/runtime/federa-config';
import { busIdentityInText, busInboxPrefix } from '@federa/contracts';
import { firstServerAccepts } from './first-server';

/**
 * How a process proves who it is to NATS and checks the server it talks to (docs/SECURITY.md):
 * `FEDERA_NATS_CREDENTIALS` (an nkey seed file as `federa credentials issue` writes it, or a NATS
 * `.creds` file), `FEDERA_NATS_TLS_CA` (the CA that signed the server's certificate; set, the
 * connection is TLS and a server whose certificate it did not sign is refused), and
 * `FEDERA_NATS_TLS_CERT`/`FEDERA_NATS_TLS_KEY` (a client certificate, for servers that ask for one).
 */
export interface NatsSecurity {
  credentialsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** Reads the bus security variables; a file that cannot be read names its variable and stops the process. */
export function natsSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): NatsSecurity {
  const file = (name: string): string | undefined => {
    const path = env[name];
    if (path === undefined || path === '') return undefined;
    try {
      readFileSync(path);
    } catch (error) {
      throw new ConfigurationError(
        `${name} must name a readable file, got ${JSON.stringify(path)} (${(error as Error).message})`,
      );
    }
    return path;
  };
  const credentialsFile = file('FEDERA_NATS_CREDENTIALS');
  const caFile = file('FEDERA_NATS_TLS_CA');
  const certFile = file('FEDERA_NATS_TLS_CERT');
  const keyFile = file('FEDERA_NATS_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new ConfigurationError(
      'FEDERA_NATS_TLS_CERT and FEDERA_NATS_TLS_KEY must be set together (a client certificate and its key)',
    );
  const tls = caFile || certFile ? { caFile, certFile, keyFile } : undefined;
  return { ...(credentialsFile ? { credentialsFile } : {}), ...(tls ? { tls } : {}) };
}

/** The client's authenticator for a credentials file: a NATS `.creds` file (JWT and seed) or a bare nkey seed. */
export function credentialsAuthenticator(path: string): Authenticator {
  const text = readFileSync(path, 'utf8');
  if (text.includes('BEGIN NATS USER JWT'))
    return credsAuthenticator(new TextEncoder().encode(text));
  const seed = /\bS[A-Z2-7]{57}\b/.exec(text)?.[0];
  if (!seed)
    throw new ConfigurationError(
      `FEDERA_NATS_CREDENTIALS: ${path} holds neither an nkey seed nor a NATS .creds file`,
    );
  return nkeyAuthenticator(new TextEncoder().encode(seed));
}

/**
 * The inbox prefix of the identity a credentials file names (its `# federa bus identity:` line), so
 * that replies and JetStream deliveries arrive where that identity may subscribe; undefined for a
 * file without one (the client's default `_INBOX`).
 */
export function credentialsInboxPrefix(path: string): string | undefined {
  try {
    const identity = busIdentityInText(readFileSync(path, 'utf8'));
    return identity ? busInboxPrefix(identity) : undefined;
  } catch (error) {
    throw new ConfigurationError(`FEDERA_NATS_CREDENTIALS: ${path}: ${(error as Error).message}`);
  }
}

/**
 * Connects to NATS the way every Federa process should: a stale connection is noticed in about 2 s
 * (with the client's default pings an 8 s partition passes unnoticed), reconnects forever, and
 * the first connection waits for a server that is still starting, but not for one whose certificate
 * TLS refuses (`NatsTlsRefusal`). Credentials and TLS come from the environment
 * (`natsSecurityFromEnv`) unless `security` or `extra` say otherwise.
 */
export async function connectNats(
  url: string,
  name: string,
  extra: Partial<ConnectionOptions> = {},
  security: NatsSecurity = natsSecurityFromEnv(),
): Promise<NatsConnection> {
  const options = { ...natsConnectionOptions(url, name, security), ...extra };
  if (options.waitOnFirstConnect) await firstServerAccepts(url, options, security);
  return connect(options);
}

export function natsConnectionOptions(
  url: string,
  name: string,
  security: NatsSecurity = natsSecurityFromEnv(),
): ConnectionOptions {
  return {
    servers: url.split(','),
    name,
    pingInterval: 1000,
    maxPingOut: 2,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    // Otherwise every request and subscription timer captures a stack trace in advance, in case it
    // fails: ~0.09 ms of the gateway's CPU per request it forwards. Our errors name the subject instead.
    noAsyncTraces: true,
    ...(security.credentialsFile ? credentialsOptions(security.credentialsFile) : {}),
    ...(security.tls ? { tls: security.tls } : {}),
  };
}

function credentialsOptions(path: string): Partial<ConnectionOptions> {
  const inboxPrefix = credentialsInboxPrefix(path);
  return {
    authenticator: credentialsAuthenticator(path),
    ...(inboxPrefix ? { inboxPrefix } : {}),
  };
}
