import { readdirSync, readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { eventually, uniquePrefix } from '@federa/testing';
import { Client } from 'pg';
import { createGatewayApp } from '../services/gateway/src/create-gateway-app';
import { RelayModule } from '../services/relay/src/relay.module';
import { loadSupervisionSettings } from '../services/supervision/src';
import { killGroup, persistedHandle, tempDir } from './agent-harness';
import { startMigrationService } from './migration-service';
import { ServiceReplicas } from './service-replicas';
import { startStatisticsService } from './statistics-service';
import { Fleet, type FleetOptions } from './supervision-fleet';
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

/** How a plane differs from the default one (every service once, in this process). */
export interface OutagePlaneOptions {
  /**
   * Every service, the gateway included, as this many processes of their own started from the
   * build output (dist/), as deployments run them, instead of once each in this process.
   */
  replicas?: number;
  /** More variables for every replica (with `replicas`). */
  env?: Record<string, string>;
  /**
   * With `replicas`: placement's replicas split the instances between them by number, as the
   * production overlay runs them [each places every request].
   */
  splitPlacement?: boolean;
  /** The subject prefix (with `replicas`), known before the start so that a failed one is cleaned up [unique]. */
  prefix?: string;
  /** The fleet's hosts [h1, h2, h3]. */
  hosts?: string[];
  /** How the fleet's hosts are watched and what they hold [hosts declared down after 60 s]. */
  fleet?: FleetOptions;
}

/**
 * The whole control plane on the test's backends: supervision, inventory, placement, relay, migration and
 * statistics in this process, the gateway on a free port, and real agents (process layer) on three hosts.
 * With `replicas`, each service runs as that many processes instead, and only the agents run here.
 */
export class OutagePlane {
  /** Turns over the gateways, so that successive calls go to each in turn. */
  private turn = 0;

  private constructor(
    readonly databaseUrl: string,
    /** Every subject's and JetStream name's prefix. */
    readonly prefix: string,
    /** Stops the services (not the fleet). */
    private readonly services: { close(): Promise<void> },
    /** The gateways that run now. */
    private readonly gatewayUrls: () => string[],
    readonly fleet: Fleet,
    /** The environment before start() set the relay's variables, put back by close(). */
    private readonly savedEnv: NodeJS.ProcessEnv,
    /** The service processes, with `replicas`. */
    readonly replicas?: ServiceReplicas,
  ) {}

  static async start(
    databaseUrl: string,
    natsUrl: string,
    label: string,
    options: OutagePlaneOptions = {},
  ): Promise<OutagePlane> {
    if (options.replicas !== undefined)
      return OutagePlane.startReplicated(databaseUrl, natsUrl, label, options);
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
      // Closed together, the gateway first, then the relay, statistics, migration and supervision.
      // Each is closed even when one before it fails; the first failure is thrown once all are.
      const services = {
        close: () =>
          closingEach([
            ['the gateway', () => gateway.close()],
            ['the relay', () => relay.close()],
            ['statistics', () => statistics.close()],
            ['migration', () => migration.close()],
            ['supervision', () => supervisor.close()],
          ]),
      };
      const plane = {
        database: { url: databaseUrl },
        settings,
        prefix: env.FEDERA_SUBJECT_PREFIX,
      } as unknown as ControlPlane;
      // Hosts are declared down only after a long silence: no host dies in these tests, and an
      // outage of the bus must not be taken for one (fencing has tests of its own).
      const fleet = await Fleet.start(plane, options.hosts ?? ['h1', 'h2', 'h3'], {
        downAfterMs: 60_000,
        ...options.fleet,
      });
      return new OutagePlane(
        databaseUrl,
        env.FEDERA_SUBJECT_PREFIX,
        services,
        () => [gateway.url],
        fleet,
        savedEnv,
      );
    } catch (error) {
      for (const service of started.reverse()) await service.close().catch(() => undefined);
      process.env = savedEnv;
      throw error;
    }
  }

  /** Every service as `options.replicas` processes from dist/, the agents in this process. */
  private static async startReplicated(
    databaseUrl: string,
    natsUrl: string,
    label: string,
    options: OutagePlaneOptions,
  ): Promise<OutagePlane> {
    const prefix = options.prefix ?? uniquePrefix(label);
    const heartbeatMs = options.fleet?.heartbeatMs ?? 200;
    const leaseDir = options.fleet?.leaseDir ?? tempDir('replica-leases');
    const replicas = await ServiceReplicas.start(
      {
        databaseUrl,
        natsUrl,
        prefix,
        apiToken,
        splitPlacement: options.splitPlacement,
        env: {
          FEDERA_HEARTBEAT_MS: String(heartbeatMs),
          FEDERA_DOWN_AFTER_MS: String(options.fleet?.downAfterMs ?? 60_000),
          FEDERA_LIVENESS_TICK_MS: String(options.fleet?.livenessTickMs ?? 50),
          FEDERA_LEASE_DIR: leaseDir,
          FEDERA_SUPERVISION_TICK_MS: '100',
          ...options.env,
        },
      },
      options.replicas as number,
    );
    try {
      const settings = { ...loadSupervisionSettings({}), natsUrl, subjectPrefix: prefix };
      const plane = { database: { url: databaseUrl }, settings, prefix } as unknown as ControlPlane;
      const fleet = await Fleet.start(plane, options.hosts ?? ['h1', 'h2', 'h3'], {
        downAfterMs: 60_000,
        ...options.fleet,
        heartbeatMs,
        leaseDir,
        inProcessServices: false,
      });
      const services = { close: () => closing('the service processes', () => replicas.close()) };
      return new OutagePlane(
        databaseUrl,
        prefix,
        services,
        () => replicas.gatewayUrls(),
        fleet,
        { ...process.env },
        replicas,
      );
    } catch (error) {
      await replicas.close();
      throw error;
    }
  }

  /** The next gateway that runs, in turn. */
  get gatewayUrl(): string {
    const urls = this.gatewayUrls();
    if (urls.length === 0) throw new Error('no gateway runs');
    return urls[this.turn++ % urls.length];
  }

  async call(method: string, path: string, body?: object): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${apiToken}` };
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  async readyz(): Promise<Answer> {
    const response = await fetch(`${this.gatewayUrl}/readyz`, {
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

  /** Closes the fleet, then the services, even when the fleet's close fails; throws its first failure. */
  async close(): Promise<void> {
    try {
      await closingEach([
        ['the fleet', () => this.fleet.close()],
        ['the services', () => this.services.close()],
      ]);
    } finally {
      process.env = this.savedEnv;
    }
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

/** Closes every part in turn, whatever the one before did, then throws the first failure. */
async function closingEach(parts: [string, () => Promise<void>][]): Promise<void> {
  const failures: unknown[] = [];
  for (const [part, close] of parts) await closing(part, close).catch((e) => failures.push(e));
  if (failures.length > 0) throw failures[0];
}

/** Closes one part, saying every 20 s that it still waits on it: a hang names its part in the log. */
async function closing(part: string, close: () => Promise<void>): Promise<void> {
  const since = Date.now();
  const watch = setInterval(
    () => process.stderr.write(`still closing ${part} after ${Date.now() - since} ms\n`),
    20_000,
  );
  // A close that never returns (bounded and left behind by the fault suite) must not keep the worker alive.
  watch.unref();
  try {
    await close();
  } finally {
    clearInterval(watch);
  }
}
