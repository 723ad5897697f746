import { lookup } from 'node:dns/promises';
import { createServer, isIP, isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { connect, type ConnectionOptions } from 'nats';
import { Client } from 'pg';
// By path: the @federa/messaging index loads Nest, which `federa up` does not otherwise need.
import {
  credentialsAuthenticator,
  credentialsInboxPrefix,
  natsSecurityFromEnv,
} from '../../../libs/messaging/src/nats-connection';
import {
  chooseBackend,
  type BackendAddress,
  type BackendAnswer,
  type BackendChoice,
} from './domain/backend-choice';

/** How long a probe waits for a server to answer before calling it unusable. */
const probeTimeoutMs = 3000;

/** What `federa up` does about the PostgreSQL of FEDERA_DATABASE_URL (`named`: the variable is set). */
export async function choosePostgres(url: string, named: boolean): Promise<BackendChoice> {
  const address = await addressOf(url, {
    variable: 'FEDERA_DATABASE_URL',
    what: 'PostgreSQL',
    defaultPort: 5432,
    named,
  });
  return chooseBackend(address, await probe(address, () => postgresAnswers(url)));
}

/**
 * What `federa up` does about the NATS of FEDERA_NATS_URL (`named`: the variable is set). Of a
 * list of servers the first decides: it is the one `federa up` would start.
 */
export async function chooseNats(
  url: string,
  named: boolean,
  /** Probe as this identity (else FEDERA_NATS_CREDENTIALS's, if set). */
  credentials?: string,
): Promise<BackendChoice> {
  const first = url.split(',')[0].trim();
  const address = await addressOf(first, {
    variable: 'FEDERA_NATS_URL',
    what: 'NATS',
    defaultPort: 4222,
    named,
  });
  return chooseBackend(address, await probe(address, () => natsAnswers(url, credentials)));
}

/** Tries the server; when it does not work, tells a free local port from one taken. */
async function probe(
  address: BackendAddress,
  works: () => Promise<string | undefined>,
): Promise<BackendAnswer> {
  const failure = await works();
  if (failure === undefined) return { kind: 'usable' };
  if (address.localAddress === undefined) return { kind: 'unusable', reason: failure };
  const refusal = await listenRefusal(address.localAddress, address.port);
  if (refusal === undefined) return { kind: 'free' };
  if (refusal === 'EADDRINUSE') return { kind: 'unusable', reason: failure };
  return {
    kind: 'unusable',
    reason: `${failure}, and federa up may not listen there (${refusal})`,
  };
}

async function addressOf(
  url: string,
  facts: { variable: string; what: string; defaultPort: number; named: boolean },
): Promise<BackendAddress> {
  let parsed: URL;
  try {
    parsed = new URL(url.includes('://') ? url : `nats://${url}`);
  } catch {
    throw new Error(`${facts.variable} is not a URL: ${JSON.stringify(url)}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return {
    variable: facts.variable,
    what: facts.what,
    host,
    port: Number(parsed.port) || facts.defaultPort,
    localAddress: await localAddressOf(host),
    named: facts.named,
  };
}

/**
 * The address of this machine `host` resolves to (IPv4 first), or undefined when it resolves to
 * none, or also to another machine's.
 */
async function localAddressOf(host: string): Promise<string | undefined> {
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return undefined;
  }
  const mine = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((info) => info?.address),
  );
  const isMine = (address: string) => address.startsWith('127.') || mine.has(address);
  if (addresses.length === 0 || !addresses.every(isMine)) return undefined;
  return addresses.find((address) => isIPv4(address)) ?? addresses[0];
}

/** Undefined when `federa up` could listen on host:port now, else the error's code. */
function listenRefusal(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}

/** Undefined when the server of `url` lets us in (the `postgres` database, as migrations need), else why not. */
async function postgresAnswers(url: string): Promise<string | undefined> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({
    connectionString: maintenance.toString(),
    connectionTimeoutMillis: probeTimeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return messageOf(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Undefined when NATS at `url` answers with JetStream enabled, else why not. */
async function natsAnswers(url: string, credentials?: string): Promise<string | undefined> {
  // A NATS that requires TLS or credentials is probed with those the services are given.
  const security = natsSecurityFromEnv();
  const { tls } = security;
  const credentialsFile = credentials ?? security.credentialsFile;
  let connection;
  try {
    connection = await connect({
      servers: url.split(',').map((server) => server.trim()),
      timeout: probeTimeoutMs,
      reconnect: false,
      name: 'federa up probe',
      ...(tls ? { tls } : {}),
      ...(credentialsFile ? credentialsOptions(credentialsFile) : {}),
    });
  } catch (error) {
    return `the NATS handshake failed (${messageOf(error)})`;
  }
  try {
    // Checks the JetStream API: every service needs it.
    await connection.jetstreamManager();
    return undefined;
  } catch (error) {
    return `it answers without JetStream (${messageOf(error)}; start nats-server with -js)`;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text || (error as { code?: string }).code || 'unknown error';
}

/**
 * Whether NATS at `url` lets a client in without credentials (the bus is open to anyone who can
 * reach it); undefined when it cannot be told (no answer at all).
 */
export async function natsAdmitsAnonymous(url: string): Promise<boolean | undefined> {
  const { tls } = natsSecurityFromEnv();
  try {
    const connection = await connect({
      servers: url.split(',').map((server) => server.trim()),
      timeout: probeTimeoutMs,
      reconnect: false,
      name: 'federa up probe (no credentials)',
      ...(tls ? { tls } : {}),
    });
    await connection.close().catch(() => undefined);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'AUTHORIZATION_VIOLATION' ? false : undefined;
  }
}

/** The identity of a credentials file, and the inbox its permissions let it read replies in. */
function credentialsOptions(file: string): ConnectionOptions {
  const inboxPrefix = credentialsInboxPrefix(file);
  return { authenticator: credentialsAuthenticator(file), ...(inboxPrefix ? { inboxPrefix } : {}) };
}
