import { readdirSync, readFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { eventually, itWhen, uniquePrefix } from '@federa/testing';
import { Client } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { RelayModule } from '../services/relay/src/relay.module';
import { loadSupervisionSettings } from '../services/supervision/src';
import { killGroup, persistedHandle } from './agent-harness';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';
import { Fleet } from './supervision-fleet';
import { natsUrl, startSupervision, type ControlPlane } from './supervision-harness';

jest.setTimeout(300_000);

const unavailable = throwawayPostgresUnavailable();
const apiToken = 'outage-test-token';
/** How long Postgres stays away: about what a restart for a minor upgrade takes. */
const outageMs = 30_000;

/** Two applications, one of them twice: every instance must run exactly once after the outage. */
function specOf(name: string, replicas: number): object {
  const app = (appName: string, min: number) => ({
    name: appName,
    layer: 'process',
    artifact: { command: ['node', 'examples/apps/kv-store.js'] },
    resources: { cpu: '100m', memory: '64Mi', storage: '1Gi' },
    replicas: { min, max: min },
    health: { http: { path: '/healthz' }, intervalMs: 500, failureThreshold: 3 },
  });
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: { applications: [app('store', 1), app('worker', replicas)] },
  };
}

interface Answer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** How many processes of this machine run as each instance (FEDERA_INSTANCE in their environment). */
function processCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const instance = environ
      .split('\0')
      .find((v) => v.startsWith('FEDERA_INSTANCE='))
      ?.slice('FEDERA_INSTANCE='.length);
    if (instance) counts.set(instance, (counts.get(instance) ?? 0) + 1);
  }
  return counts;
}

describe('a 30 s PostgreSQL outage', () => {
  let postgres: ThrowawayPostgres;
  let databaseUrl: string;
  let prefix: string;
  let supervision: { close(): Promise<void> };
  let relay: INestApplicationContext;
  let gateway: GatewayApp;
  let fleet: Fleet;
  const savedEnv = { ...process.env };

  const call = async (method: string, path: string, body?: object): Promise<Answer> => {
    const headers: Record<string, string> = { authorization: `Bearer ${apiToken}` };
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const readyz = async (): Promise<Answer> => {
    const response = await fetch(`${gateway.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, json: await response.json() };
  };
  /** Waits for /readyz to answer 200; failing, says what it answered last. */
  const becomesReady = async (timeoutMs: number): Promise<void> => {
    let last: Answer | undefined;
    await eventually(async () => (last = await readyz()).status === 200, timeoutMs, 250).catch(
      (error: Error) => {
        throw new Error(`${error.message}: /readyz answered ${JSON.stringify(last?.json)}`);
      },
    );
  };
  const events = async (): Promise<
    Array<{ position: number; streamId: string; type: string; data: any }> // eslint-disable-line @typescript-eslint/no-explicit-any
  > => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT position, stream_id AS "streamId", type, data FROM eventlog.events ORDER BY position',
      );
      return rows.map((r) => ({ ...r, position: Number(r.position) }));
    } finally {
      await client.end();
    }
  };
  /** Every instance ever requested for `service` (and `app`), from the log. */
  const instancesOf = async (service: string, app?: string): Promise<string[]> =>
    (await events())
      .filter(
        (e) =>
          e.type === 'InstanceRequested' &&
          e.data.service === service &&
          (app === undefined || e.data.app === app),
      )
      .map((e) => String(e.data.instance));
  /** The instances of `service` (and `app`) that run now, each with how many processes it has. */
  const runningOf = async (service: string, app?: string): Promise<Map<string, number>> => {
    const counts = processCounts();
    const running = new Map<string, number>();
    for (const id of await instancesOf(service, app)) {
      const count = counts.get(id) ?? 0;
      if (count > 0) running.set(id, count);
    }
    return running;
  };
  const recorded = async (type: string, service: string, after = 0): Promise<boolean> =>
    (await events()).some(
      (e) => e.type === type && e.streamId === `service-${service}` && e.position > after,
    );
  const deploy = async (name: string, replicas: number): Promise<void> => {
    expect((await call('PUT', `/v1/services/${name}`, specOf(name, replicas))).status).toBe(200);
    expect((await call('POST', `/v1/services/${name}/deploy`)).status).toBe(202);
  };

  beforeAll(async () => {
    if (unavailable) return;
    postgres = await ThrowawayPostgres.start();
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE federa');
    await admin.end();
    databaseUrl = postgres.url('federa');
    prefix = uniquePrefix('outagepg');
    const env = {
      FEDERA_DATABASE_URL: databaseUrl,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: prefix,
    };
    // The relay reads its settings from the environment only.
    Object.assign(process.env, env);
    const settings = { ...loadSupervisionSettings({ ...process.env, ...env }), tickMs: 100 };
    supervision = await startSupervision(settings);
    relay = await NestFactory.createApplicationContext(RelayModule, { logger: ['error'] });
    gateway = await createGatewayApp({
      ...settings,
      apiToken,
      httpPort: 0,
      httpHost: '127.0.0.1',
      logLevel: 'silent',
    });
    // Hosts are declared down only after 10 s of silence: nothing here kills an agent, and an
    // agent starved of CPU by the rest of a suite must not be.
    const plane = { database: { url: databaseUrl }, settings, prefix } as unknown as ControlPlane;
    fleet = await Fleet.start(plane, ['h1', 'h2', 'h3'], { downAfterMs: 10_000 });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await gateway?.close();
    await relay?.close();
    await supervision?.close();
    postgres?.dispose();
    process.env = savedEnv;
  });

  itWhen(unavailable)(
    'answers 503 and is not ready while Postgres is away, then converges: a killed instance is replaced, a stop completes, a new deploy becomes available, and every instance runs once',
    async () => {
      await deploy('alpha', 2);
      await eventually(() => recorded('ServiceAvailable', 'alpha'), 90_000, 250);
      await becomesReady(60_000);

      postgres.stop();
      const stoppedAt = Date.now();
      await eventually(async () => (await readyz()).status === 503, 30_000, 250);
      const notReady = await readyz();
      expect(notReady.json.error.code).toBe('unavailable');
      expect(notReady.json.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ dependency: 'postgres' })]),
      );
      for (const path of ['/v1/services/alpha', '/v1/instances?service=alpha', '/v1/events']) {
        const answer = await call('GET', path);
        expect({ path, status: answer.status }).toEqual({ path, status: 503 });
        expect(answer.json.error.code).toBe('unavailable');
      }
      await new Promise((resolve) => setTimeout(resolve, outageMs - (Date.now() - stoppedAt)));
      postgres.restart();

      await becomesReady(120_000);

      // Nothing was started twice meanwhile: the store and both workers, one process each.
      expect([...(await runningOf('alpha')).values()]).toEqual([1, 1, 1]);

      // An instance killed outright is replaced, and the one killed stays gone.
      const running = await runningOf('alpha', 'worker');
      expect([...running.values()]).toEqual([1, 1]);
      const workers = [...running.keys()];
      const victim = workers[0];
      const host = [...fleet.agents.entries()].find(([, { dataDir }]) => {
        try {
          return persistedHandle(dataDir, victim) !== undefined;
        } catch {
          return false;
        }
      });
      expect(host).toBeDefined();
      killGroup(persistedHandle(host![1].dataDir, victim).pid);
      await eventually(
        async () => {
          const running = await runningOf('alpha', 'worker');
          return running.size === 2 && !running.has(victim);
        },
        90_000,
        250,
      );

      // A new deploy becomes available and a stop completes.
      const before = (await events()).at(-1)?.position ?? 0;
      await deploy('beta', 1);
      expect((await call('POST', '/v1/services/alpha/stop')).status).toBe(202);
      await eventually(() => recorded('ServiceAvailable', 'beta', before), 90_000, 250);
      await eventually(() => recorded('ServiceStopped', 'alpha', before), 90_000, 250);
      await eventually(async () => (await runningOf('alpha')).size === 0, 60_000, 250);

      // Every instance of beta runs once: as many processes as the spec wants, one each.
      await eventually(async () => (await runningOf('beta')).size === 2, 60_000, 250);
      const beta = await runningOf('beta');
      expect([...beta.values()]).toEqual([1, 1]);
      const apps = (await events())
        .filter((e) => e.type === 'InstanceRequested' && beta.has(String(e.data.instance)))
        .map((e) => e.data.app)
        .sort();
      expect(apps).toEqual(['store', 'worker']);
    },
  );
});
