import { readdirSync, readFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { eventually, uniquePrefix } from '@federa/testing';
import { Client } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { RelayModule } from '../services/relay/src/relay.module';
import { loadSupervisionSettings } from '../services/supervision/src';
import { killGroup, persistedHandle } from './agent-harness';
import { startMigrationService } from './migration-service';
import { startStatisticsService } from './statistics-service';
import { Fleet } from './supervision-fleet';
import { startSupervision, type ControlPlane } from './supervision-harness';

const apiToken = 'outage-test-token';

export interface Answer {
  status: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface LoggedEvent {
  position: number;
  streamId: string;
  type: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Two applications, one of them `replicas` times: every instance must run exactly once. */
export function outageSpec(name: string, replicas: number): object {
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

/** How many processes of this machine run as each instance (FEDERA_INSTANCE in their environment). */
export function processCounts(): Map<string, number> {
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

/**
 * The whole control plane on the test's backends: supervision, inventory, placement, relay, migration and
 * statistics in this process, the gateway on a free port, and real agents (process layer) on three hosts.
 */
export class OutagePlane {
  private constructor(
    readonly databaseUrl: string,
    private readonly supervision: { close(): Promise<void> },
    private readonly relay: INestApplicationContext,
    private readonly gateway: GatewayApp,
    readonly fleet: Fleet,
    /** The environment before start() set the relay's variables, put back by close(). */
    private readonly savedEnv: NodeJS.ProcessEnv,
  ) {}

  static async start(databaseUrl: string, natsUrl: string, label: string): Promise<OutagePlane> {
    const savedEnv = { ...process.env };
    const env = {
      FEDERA_DATABASE_URL: databaseUrl,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: uniquePrefix(label),
    };
    // The relay reads its settings from the environment only.
    Object.assign(process.env, env);
    // What is started so far, closed in reverse when a later start fails: a test whose beforeAll
    // throws never gets a plane to close, and must not leave services, agents or its env behind.
    const started: { close(): Promise<void> }[] = [];
    try {
      const settings = { ...loadSupervisionSettings(process.env), tickMs: 100 };
      const supervisor = await startSupervision(settings);
      started.push(supervisor);
      const migration = await startMigrationService(process.env);
      started.push(migration);
      const statistics = await startStatisticsService(process.env);
      started.push(statistics);
      // Closed together, statistics and migration first: the plane closes its services as one.
      const supervision = {
        close: async () => {
          await statistics.close();
          await migration.close();
          await supervisor.close();
        },
      };
      const relay = await NestFactory.createApplicationContext(RelayModule, { logger: ['error'] });
      started.push(relay);
      const gateway = await createGatewayApp({
        ...settings,
        apiToken,
        httpPort: 0,
        httpHost: '127.0.0.1',
        logLevel: 'silent',
      });
      started.push(gateway);
      const plane = {
        database: { url: databaseUrl },
        settings,
        prefix: env.FEDERA_SUBJECT_PREFIX,
      } as unknown as ControlPlane;
      // Hosts are declared down only after a long silence: no host dies in these tests, and an
      // outage of the bus must not be taken for one (fencing has tests of its own).
      const fleet = await Fleet.start(plane, ['h1', 'h2', 'h3'], { downAfterMs: 60_000 });
      return new OutagePlane(databaseUrl, supervision, relay, gateway, fleet, savedEnv);
    } catch (error) {
      for (const service of started.reverse()) await service.close().catch(() => undefined);
      process.env = savedEnv;
      throw error;
    }
  }

  async call(method: string, path: string, body?: object): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${apiToken}` };
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.gateway.url}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  async readyz(): Promise<Answer> {
    const response = await fetch(`${this.gateway.url}/readyz`, {
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, json: await response.json() };
  }

  /** Waits for /readyz to answer `status`; failing, says what it answered last. */
  async readyzTurns(status: number, timeoutMs: number): Promise<Answer> {
    let last: Answer | undefined;
    await eventually(
      async () => (last = await this.readyz()).status === status,
      timeoutMs,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: /readyz answered ${JSON.stringify(last?.json)}`);
    });
    return last as Answer;
  }

  async events(): Promise<LoggedEvent[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT position, stream_id AS "streamId", type, data FROM eventlog.events ORDER BY position',
      );
      return rows.map((r) => ({ ...r, position: Number(r.position) }));
    } finally {
      await client.end();
    }
  }

  /** The instances of `service` (and `app`) that run now, each with how many processes it has. */
  async runningOf(service: string, app?: string): Promise<Map<string, number>> {
    const requested = (await this.events())
      .filter(
        (e) =>
          e.type === 'InstanceRequested' &&
          e.data.service === service &&
          (app === undefined || e.data.app === app),
      )
      .map((e) => String(e.data.instance));
    const counts = processCounts();
    const running = new Map<string, number>();
    for (const id of requested) {
      const count = counts.get(id) ?? 0;
      if (count > 0) running.set(id, count);
    }
    return running;
  }

  /** Whether the log holds a `type` event of `service`'s stream after `after`. */
  async recorded(type: string, service: string, after = 0): Promise<boolean> {
    return (await this.events()).some(
      (e) => e.type === type && e.streamId === `service-${service}` && e.position > after,
    );
  }

  async deploy(name: string, replicas: number): Promise<void> {
    const put = await this.call('PUT', `/v1/services/${name}`, outageSpec(name, replicas));
    if (put.status !== 200) throw new Error(`PUT ${name} answered ${put.status}`);
    const deploy = await this.call('POST', `/v1/services/${name}/deploy`);
    if (deploy.status !== 202) throw new Error(`deploy ${name} answered ${deploy.status}`);
  }

  /** Kills an instance's process group outright (kill -9), as a crash would. */
  killInstance(instance: string): void {
    for (const { dataDir } of this.fleet.agents.values()) {
      let pid: number | undefined;
      try {
        pid = persistedHandle(dataDir, instance)?.pid;
      } catch {
        continue;
      }
      if (pid !== undefined) return killGroup(pid);
    }
    throw new Error(`no agent runs ${instance}`);
  }

  async close(): Promise<void> {
    await this.fleet.close();
    await this.gateway.close();
    await this.relay.close();
    await this.supervision.close();
    process.env = this.savedEnv;
  }
}

/**
 * What every outage test checks once the backend is back: a killed instance is replaced, a new
 * deploy becomes available, a stop completes, and every instance runs once (process table).
 */
export async function expectConvergence(plane: OutagePlane): Promise<void> {
  // Nothing was started twice meanwhile: the store and both workers, one process each.
  expect([...(await plane.runningOf('alpha')).values()]).toEqual([1, 1, 1]);

  const [victim] = [...(await plane.runningOf('alpha', 'worker')).keys()];
  plane.killInstance(victim);
  await eventually(
    async () => {
      const running = await plane.runningOf('alpha', 'worker');
      return running.size === 2 && !running.has(victim);
    },
    90_000,
    250,
  );
  // Two instances, and each of them one process: a replacement started beside a survivor shows here.
  expect([...(await plane.runningOf('alpha', 'worker')).values()]).toEqual([1, 1]);

  const before = (await plane.events()).at(-1)?.position ?? 0;
  await plane.deploy('beta', 1);
  expect((await plane.call('POST', '/v1/services/alpha/stop')).status).toBe(202);
  await eventually(() => plane.recorded('ServiceAvailable', 'beta', before), 90_000, 250);
  await eventually(() => plane.recorded('ServiceStopped', 'alpha', before), 90_000, 250);
  await eventually(async () => (await plane.runningOf('alpha')).size === 0, 60_000, 250);

  await eventually(async () => (await plane.runningOf('beta')).size === 2, 60_000, 250);
  expect([...(await plane.runningOf('beta')).values()]).toEqual([1, 1]);
  expect([...(await plane.runningOf('beta', 'store')).values()]).toEqual([1]);
}
