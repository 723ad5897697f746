import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { connect } from 'nats';
import { freePort, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { migrateDatabase } from '../../cli/src/up/prepare-database';
import { AGENT_NODE_FLAGS } from '../../services/agent/src';
import { PLACEMENT_NODE_FLAGS } from '../../services/placement/src';
import { killGroup } from '../../test/agent-harness';
import { replicatedServices } from '../../test/service-replicas';
import { SoakApi } from './soak-api';
import { SoakProcess } from './soak-process';

const repoRoot = join(__dirname, '..', '..');
const dist = join(repoRoot, 'dist');
const lifelinePreload = join(dist, 'libs', 'runtime', 'src', 'parent-lifeline-preload.js');
const token = 'soak-admin-token';
/** The simulated hosts' ids: `sim-0001`, ... */
export const simHostTemplate = 'sim';
export const realHostOf = (n: number) => `real-${n}`;

const say = (line: string) => process.stderr.write(`soak: ${line}\n`);

export interface SoakPlaneSettings {
  natsUrl: string;
  /** The Postgres server whose database the soak creates (FEDERA_DATABASE_URL's, another database on it). */
  serverUrl: string;
  hosts: number;
  agents: number;
  heartbeatMs: number;
}

/**
 * The soak's own control plane: a fresh database `federa_soak_<random>`, a unique subject prefix,
 * every service as a process of its own from the build (dist/), one `federa agent --simulate N`
 * process (leases on /dev/shm) and real process-layer agents, each with its host config and data
 * directory. `close()` ends all of it, the workloads of the real agents included.
 */
export class SoakPlane {
  readonly processes: SoakProcess[] = [];
  readonly prefix = uniquePrefix('soak');
  readonly workDir = mkdtempSync(join(tmpdir(), 'federa-soak-'));
  readonly leaseDir = mkdtempSync(
    join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'federa-soak-leases-'),
  );
  /** The real agents' data directories, by host. */
  readonly agentDirs = new Map<string, string>();
  database: FreshDatabase | undefined;
  api: SoakApi | undefined;
  /** Processes that ended while nobody stopped them: a crash the summary reports. */
  readonly unexpectedExits: string[] = [];
  private closing: Promise<void> | undefined;

  constructor(readonly settings: SoakPlaneSettings) {
    mkdirSync(join(this.workDir, 'logs'));
  }

  get databaseUrl(): string {
    if (!this.database) throw new Error('the soak database is not created yet');
    return this.database.url;
  }

  async start(): Promise<SoakApi> {
    for (const service of replicatedServices) {
      const main = join(dist, 'services', service, 'src', 'main.js');
      if (!existsSync(main)) throw new Error(`${main} is not built: run npm run build first`);
    }
    this.database = await freshDatabase('soak', this.settings.serverUrl);
    say(
      `database ${this.database.name}, subject prefix ${this.prefix}, work directory ${this.workDir}`,
    );
    await migrateDatabase(this.database.url);
    const api = await this.startServices();
    this.api = api;
    this.startSimulatedHosts();
    for (let n = 1; n <= this.settings.agents; n++) this.startRealAgent(realHostOf(n));
    return api;
  }

  /** The environment every process of the plane shares; nothing of this machine's bus or database security. */
  private baseEnv(): NodeJS.ProcessEnv {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([variable]) =>
          !/^FEDERA_(NATS_TLS_|NATS_CREDENTIALS|DATABASE_|METRICS_PORT|LIFELINE)/.test(variable),
      ),
    );
    return {
      ...inherited,
      // The workloads' commands start with `node`: this Node.
      PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
      FEDERA_NATS_URL: this.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: this.prefix,
      FEDERA_HEARTBEAT_MS: String(this.settings.heartbeatMs),
      FEDERA_LEASE_DIR: this.leaseDir,
      FEDERA_LOG_LEVEL: process.env.FEDERA_LOG_LEVEL ?? 'warn',
    };
  }

  private spawn(name: string, args: string[], env: NodeJS.ProcessEnv): SoakProcess {
    const child = SoakProcess.start(
      name,
      args,
      env,
      repoRoot,
      join(this.workDir, 'logs', `${name}.log`),
      (who, how) => {
        this.unexpectedExits.push(`${who} (${how})`);
        say(
          `${who} exited unexpectedly (${how}); its log: ${join(this.workDir, 'logs', `${who}.log`)}`,
        );
      },
    );
    this.processes.push(child);
    return child;
  }

  private async startServices(): Promise<SoakApi> {
    const ready: { name: string; url: string }[] = [];
    let apiUrl = '';
    for (const service of replicatedServices) {
      const port = await freePort();
      const databaseUrl = new URL(this.databaseUrl);
      databaseUrl.searchParams.set('application_name', service);
      const env = {
        ...this.baseEnv(),
        FEDERA_DATABASE_URL: databaseUrl.toString(),
        ...(service === 'gateway'
          ? {
              FEDERA_HTTP_PORT: String(port),
              FEDERA_HTTP_HOST: '127.0.0.1',
              FEDERA_API_TOKEN: token,
            }
          : { FEDERA_METRICS_PORT: String(port) }),
      };
      const flags = service === 'placement' ? PLACEMENT_NODE_FLAGS : [];
      const main = join(dist, 'services', service, 'src', 'main.js');
      this.spawn(service, [...flags, '--require', lifelinePreload, main], env);
      const url = `http://127.0.0.1:${port}`;
      if (service === 'gateway') apiUrl = url;
      ready.push({ name: service, url: `${url}${service === 'gateway' ? '/readyz' : '/healthz'}` });
    }
    await Promise.all(ready.map(({ name, url }) => this.answers(name, url, 180_000)));
    say('every service answers');
    return new SoakApi(apiUrl, token);
  }

  /** Waits until `url` answers 200; fails naming the process when it exits or never answers. */
  private async answers(name: string, url: string, timeoutMs: number): Promise<void> {
    const child = this.processes.find((p) => p.name === name)!;
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!child.alive) throw new Error(`${name} exited while starting; see ${this.logOf(name)}`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
        if (response.status === 200) return;
        last = `${response.status} ${(await response.text()).slice(0, 300)}`;
      } catch (error) {
        last = String((error as Error).cause ?? error);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(
      `${name} did not answer ${url} in ${timeoutMs / 1000} s (${last}); see ${this.logOf(name)}`,
    );
  }

  logOf(name: string): string {
    return join(this.workDir, 'logs', `${name}.log`);
  }

  private hostYaml(host: string, layers: string, capacity: string): string {
    const file = join(this.workDir, `${host}.yaml`);
    writeFileSync(
      file,
      [
        `host: ${host}`,
        'site: geneva',
        'securityLevel: 3',
        `layers: [${layers}]`,
        `capacity: ${capacity}`,
        'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 }',
        '',
      ].join('\n'),
    );
    return file;
  }

  private startSimulatedHosts(): void {
    const config = this.hostYaml(simHostTemplate, 'sim', 'auto');
    const agent = join(repoRoot, 'bin', 'federa-agent.js');
    this.spawn(
      'sim-agent',
      [
        ...AGENT_NODE_FLAGS,
        agent,
        '--config',
        config,
        '--simulate',
        String(this.settings.hosts),
        '--simulate-leases',
      ],
      this.baseEnv(),
    );
  }

  private startRealAgent(host: string): void {
    const config = this.hostYaml(
      host,
      'process',
      '{ cpu: 4, memory: 8Gi, storage: 100Gi, bandwidth: 1Gbps }',
    );
    const dataDir = join(this.workDir, 'agents', host);
    mkdirSync(dataDir, { recursive: true });
    this.agentDirs.set(host, dataDir);
    const agent = join(repoRoot, 'bin', 'federa-agent.js');
    this.spawn(
      `agent-${host}`,
      [...AGENT_NODE_FLAGS, agent, '--config', config, '--data-dir', dataDir],
      this.baseEnv(),
    );
  }

  /** The process ids of a real agent's workloads, by instance, from its instance table. */
  workloadPids(host: string): Map<string, number> {
    const pids = new Map<string, number>();
    const dir = this.agentDirs.get(host);
    if (!dir) return pids;
    try {
      const table = JSON.parse(readFileSync(join(dir, 'instances.json'), 'utf8')) as {
        instances: { spec: { instance: string }; handle?: { pid?: number } }[];
      };
      for (const row of table.instances)
        if (row.handle?.pid) pids.set(row.spec.instance, row.handle.pid);
    } catch {
      // no table yet
    }
    return pids;
  }

  /** Ends everything the soak started; safe to call more than once (a signal during a close). */
  close(keep: boolean): Promise<void> {
    this.closing ??= this.closeOnce(keep);
    return this.closing;
  }

  private async closeOnce(keep: boolean): Promise<void> {
    const agents = this.processes.filter(
      (p) => p.name.startsWith('agent-') || p.name === 'sim-agent',
    );
    const services = this.processes.filter((p) => !agents.includes(p));
    // Agents first (a real agent stopped by SIGTERM leaves its workloads, which are killed next),
    // then the services, the gateway first, as `federa up` stops them.
    await Promise.all(agents.map((p) => p.stop(10_000)));
    for (const host of this.agentDirs.keys())
      for (const pid of this.workloadPids(host).values()) killGroup(pid);
    const gateway = services.filter((p) => p.name === 'gateway');
    await Promise.all(gateway.map((p) => p.stop()));
    await Promise.all(services.filter((p) => p.name !== 'gateway').map((p) => p.stop()));
    await this.deleteStreams().catch((error: unknown) =>
      say(`could not delete the JetStream streams of ${this.prefix}: ${String(error)}`),
    );
    rmSync(this.leaseDir, { recursive: true, force: true });
    if (keep) {
      say(`kept: database ${this.database?.name}, work directory ${this.workDir}`);
      return;
    }
    await this.database
      ?.drop()
      .catch((error: unknown) => say(`could not drop ${this.database?.name}: ${String(error)}`));
    rmSync(this.workDir, { recursive: true, force: true });
  }

  /** The event stream, the discovery bucket and the hosts' data buckets of this run. */
  private async deleteStreams(): Promise<void> {
    const nc = await connect({ servers: this.settings.natsUrl, name: 'soak-cleanup' });
    try {
      const jsm = await nc.jetstreamManager();
      const names: string[] = [];
      for await (const name of jsm.streams.names())
        if (name.toLowerCase().includes(this.prefix)) names.push(name);
      for (const name of names) await jsm.streams.delete(name).catch(() => undefined);
    } finally {
      await nc.close();
    }
  }
}
