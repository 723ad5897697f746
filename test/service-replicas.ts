import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freeTcpPort } from '../libs/runtime/src/free-tcp-port';
import { PLACEMENT_NODE_FLAGS } from '../services/placement/src';
import { repoRoot } from './agent-harness';

/**
 * How long a replica has to answer once started: fourteen of them start at once on a machine that
 * may be twice as slow as a quiet 2-core one and shared with another suite (under such load, 90 s
 * was seen to be too short for one).
 */
const readyWithinMs = 180_000;

/** Every control-plane service, each started as replicas of its own. */
export const replicatedServices = [
  'inventory',
  'placement',
  'supervision',
  'migration',
  'statistics',
  'relay',
  'gateway',
] as const;
export type ReplicatedService = (typeof replicatedServices)[number];

/** What every replica is started with. */
export interface ReplicaSettings {
  databaseUrl: string;
  natsUrl: string;
  prefix: string;
  apiToken: string;
  /** More variables for every replica (thresholds, ticks, the lease directory). */
  env?: Record<string, string>;
  /**
   * true: placement's replicas split the instances between them by number (FEDERA_PLACEMENT_REPLICAS,
   * FEDERA_PLACEMENT_REPLICA_INDEX), as the production overlay runs them; false: each places every
   * request, and their commits settle who placed it [false].
   */
  splitPlacement?: boolean;
}

/**
 * One replica: `node dist/services/<service>/src/main.js` as a process of its own, as deployments run
 * it. Its Postgres sessions carry its name as `application_name`, so that the holder of a lease is
 * known from `pg_stat_activity`.
 */
export class ServiceReplica {
  private readonly chunks: string[] = [];
  readonly exited: Promise<string>;

  private constructor(
    readonly service: ReplicatedService,
    /** `<service>-<letter>`, also its `application_name`. */
    readonly name: string,
    /** Its number among the service's replicas. */
    readonly index: number,
    /** Its HTTP port: the API for the gateway, FEDERA_METRICS_PORT for the others. */
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => this.chunks.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.chunks.push(chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
    );
  }

  /** Replica number `index` of `count`, named by its letter (0: a, 1: b, ...). */
  static async start(
    service: ReplicatedService,
    index: number,
    count: number,
    settings: ReplicaSettings,
  ): Promise<ServiceReplica> {
    const letter = String.fromCharCode('a'.charCodeAt(0) + index);
    const main = join(repoRoot, 'dist', 'services', service, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is not built: run npm run build`);
    const name = `${service}-${letter}`;
    const port = await freeTcpPort();
    const databaseUrl = new URL(settings.databaseUrl);
    databaseUrl.searchParams.set('application_name', name);
    // Nothing of this machine's bus or database security reaches the replica: it is given its own.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([variable]) =>
          !/^FEDERA_(NATS_TLS_|NATS_CREDENTIALS|DATABASE_|METRICS_PORT)/.test(variable),
      ),
    );
    const env = {
      ...inherited,
      FEDERA_DATABASE_URL: databaseUrl.toString(),
      FEDERA_NATS_URL: settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: settings.prefix,
      ...settings.env,
      ...(service === 'placement' && settings.splitPlacement
        ? {
            FEDERA_PLACEMENT_REPLICAS: String(count),
            FEDERA_PLACEMENT_REPLICA_INDEX: String(index),
          }
        : {}),
      ...(service === 'gateway'
        ? {
            FEDERA_HTTP_PORT: String(port),
            FEDERA_HTTP_HOST: '127.0.0.1',
            FEDERA_API_TOKEN: settings.apiToken,
          }
        : { FEDERA_METRICS_PORT: String(port) }),
    };
    const flags = service === 'placement' ? PLACEMENT_NODE_FLAGS : [];
    const child = spawn(process.execPath, [...flags, main], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceReplica(service, name, index, port, child);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What it wrote, for a failure's message. */
  get output(): string {
    return this.chunks.join('');
  }

  /** Waits until it answers `path` with 200; fails with its output as soon as it exits. */
  async ready(path: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (this.alive && Date.now() < deadline) {
      try {
        const response = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 200) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = String((error as Error).cause ?? error);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const why = this.alive ? `did not answer ${path} (${last})` : 'exited';
    throw new Error(`${this.name} ${why}; it wrote: ${this.output.slice(-3000)}`);
  }

  /** Its /metrics text (given as long as an API call: 5 s was seen to be too short under load). */
  async metrics(): Promise<string> {
    const response = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(20_000) });
    return response.text();
  }

  /** Sends `signal` and waits for the process to end; SIGKILL once it has not ended in 15 s. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    const force = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    this.child.kill(signal);
    await this.exited;
    clearTimeout(force);
  }
}

/** `count` replicas of every control-plane service on one database, one NATS and one prefix. */
export class ServiceReplicas {
  private constructor(
    private readonly replicas: ServiceReplica[],
    private readonly settings: ReplicaSettings,
    private readonly count: number,
  ) {}

  /**
   * Starts every replica at once and waits until each answers its /healthz, and each gateway its
   * /readyz (every service answering its ping); what started is stopped when one does not.
   */
  static async start(settings: ReplicaSettings, count: number): Promise<ServiceReplicas> {
    const started: ServiceReplica[] = [];
    try {
      for (const service of replicatedServices)
        for (let index = 0; index < count; index++)
          started.push(await ServiceReplica.start(service, index, count, settings));
      await Promise.all(started.map((r) => r.ready(readinessPath(r.service), readyWithinMs)));
      return new ServiceReplicas(started, settings, count);
    } catch (error) {
      // A replica that never answers has been seen to write nothing: what its sessions wait on may say why.
      const sessions = await databaseSessions(settings.databaseUrl).catch(String);
      await Promise.all(started.map((r) => r.kill('SIGTERM')));
      if (error instanceof Error) error.message += `\nthe database's sessions then:\n${sessions}`;
      throw error;
    }
  }

  /** The replicas that run, or ran until they were killed and not restarted. */
  get all(): readonly ServiceReplica[] {
    return this.replicas;
  }

  of(service: ReplicatedService): ServiceReplica[] {
    return this.replicas.filter((r) => r.service === service);
  }

  byName(name: string): ServiceReplica {
    const replica = this.replicas.find((r) => r.name === name);
    if (!replica) throw new Error(`no replica ${name}`);
    return replica;
  }

  /** Starts a replica that ended again, under the same name and number, as its orchestrator would. */
  async restart(name: string): Promise<ServiceReplica> {
    const old = this.byName(name);
    if (old.alive) throw new Error(`${name} still runs`);
    const replica = await ServiceReplica.start(old.service, old.index, this.count, this.settings);
    this.replicas[this.replicas.indexOf(old)] = replica;
    await replica.ready(readinessPath(replica.service), readyWithinMs);
    return replica;
  }

  /** The URLs of the gateways still running. */
  gatewayUrls(): string[] {
    return this.of('gateway')
      .filter((r) => r.alive)
      .map((r) => r.url);
  }

  /** Stops every replica still running (SIGTERM, SIGKILL after 15 s). */
  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.kill('SIGTERM')));
  }
}

/** Every session of the database with what it does or waits on, one line each. */
async function databaseSessions(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(
      `SELECT application_name AS name, state, coalesce(wait_event_type || ':' || wait_event, '') AS wait,
              now() - query_start AS for, left(query, 160) AS query
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
        ORDER BY application_name`,
    );
    return rows.map((r) => `  ${r.name} ${r.state} ${r.wait} ${r.for}: ${r.query}`).join('\n');
  } finally {
    await client.end();
  }
}

/** What a replica answers once started: a gateway its readiness (every service pinged), others /healthz. */
function readinessPath(service: ReplicatedService): string {
  return service === 'gateway' ? '/readyz' : '/healthz';
}
