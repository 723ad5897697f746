import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type {
  FoundWorkload,
  InstanceSpec,
  InstanceUsage,
  LayerDriver,
  LayerEndpoint,
  LayerInstanceStatus,
  ProbeResult,
} from '../layer-driver';
import { workloadEnvironment } from '../../domain/workload-environment';
import {
  parseEnviron,
  workloadOfEnvironment,
  workloadOfStdout,
} from '../../domain/workload-identity';
import { directorySize } from './directory-size';
import { parseFederaLoad } from './federa-load';
// The file, not the @federa/runtime index: the index also loads Nest, which the agent never uses.
import { freeTcpPort } from '../../../../../libs/runtime/src/free-tcp-port';
import { httpGet, tcpConnect } from './local-probes';
import { processArtifactErrors, type ProcessArtifact } from './process-artifact';
import {
  CLOCK_TICKS_PER_SECOND,
  isSameLiveProcess,
  readProcEnviron,
  readProcStdout,
  readProcStat,
  readResidentBytes,
} from './proc-stat';
import { capLogFile } from './size-capped-log';
import {
  hasOwnNetworkNamespace,
  NetworkRateMeter,
  noNetwork,
  readNetworkCounters,
  type NetworkRates,
} from '../../usage/network-counters';

export interface ProcessLayerOptions {
  /** SIGTERM-to-SIGKILL grace when `stop` names none. @default 10000 */
  graceMs?: number;
  /** Each of stdout.log and stderr.log is rotated past this size. @default 10 MiB */
  logCapBytes?: number;
  /** How long health and metrics requests wait. @default 1000 */
  probeTimeoutMs?: number;
  /** Working directory of applications whose artifact names none. @default process.cwd() */
  defaultCwd?: string;
}

/** The process layer's adoption handle: pid and start time identify the process beyond pid reuse. */
export interface ProcessHandle {
  pid: number;
  startTime: number;
  port: number;
}

interface RunningProcess {
  spec: InstanceSpec;
  handle: ProcessHandle | undefined;
  /** Set while we spawned it in this agent run: its exit is observed directly. */
  child: ChildProcess | undefined;
  exit: { code: number | null; signal: string | null } | undefined;
  stopRequested: boolean;
  cpuSample: { ticks: number; at: number } | undefined;
  storage: { bytes: number; at: number } | undefined;
  /** Set once the process is seen in a network namespace of its own. */
  network?: NetworkRateMeter;
}

const STORAGE_REFRESH_MS = 10_000;

/**
 * The execution-layer embodiment (a JVM, Node or any runtime): runs an application's command as a
 * supervised child in its own process group, detached so that it outlives an agent restart. The
 * child gets PORT (free port chosen here), its identity, FEDERA_DATA_DIR, FEDERA_ENDPOINTS_<APP>,
 * FEDERA_DISCOVERY_URL and HOME and TMPDIR of its own, and of the agent's environment only an
 * allow-list (workloadEnvironment); its stdout and stderr go to size-capped files in
 * `<dataDir>/../logs`.
 */
export class ProcessLayer implements LayerDriver {
  readonly kind = 'process' as const;
  private readonly processes = new Map<string, RunningProcess>();
  private readonly graceMs: number;
  private readonly logCapBytes: number;
  private readonly probeTimeoutMs: number;
  private readonly defaultCwd: string;

  constructor(options: ProcessLayerOptions = {}) {
    this.graceMs = options.graceMs ?? 10_000;
    this.logCapBytes = options.logCapBytes ?? 10 * 1024 * 1024;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 1000;
    this.defaultCwd = options.defaultCwd ?? process.cwd();
  }

  validateArtifact(artifact: Record<string, unknown>): Array<{ path: string; reason: string }> {
    return processArtifactErrors(artifact);
  }

  async start(spec: InstanceSpec): Promise<LayerInstanceStatus> {
    const known = this.processes.get(spec.instance);
    if (known && (await this.alive(known))) return this.status(spec.instance);
    const errors = processArtifactErrors(spec.artifact);
    if (errors.length > 0)
      throw new Error(
        `cannot run artifact: ${errors.map((e) => `${e.path} ${e.reason}`).join('; ')}`,
      );
    const artifact = spec.artifact as unknown as ProcessArtifact;
    const port = await freeTcpPort();
    const logs = logDirOf(spec);
    const { home, tmp } = ownDirsOf(spec);
    for (const dir of [spec.dataDir, logs, home, tmp]) await mkdir(dir, { recursive: true });
    const stdout = openSync(join(logs, 'stdout.log'), 'a');
    const stderr = openSync(join(logs, 'stderr.log'), 'a');
    let child: ChildProcess;
    try {
      child = spawn(artifact.command[0], artifact.command.slice(1), {
        cwd: artifact.cwd ?? this.defaultCwd,
        // Built from nothing but an allow-list: the agent's own environment holds the bus and
        // database URLs, credentials and tokens, none of which is the workload's.
        env: workloadEnvironment(process.env, {
          service: spec.service,
          instance: spec.instance,
          app: spec.app,
          dataDir: spec.dataDir,
          homeDir: home,
          tmpDir: tmp,
          port,
          env: spec.env,
          endpoints: spec.endpoints,
          discoveryUrl: spec.discoveryUrl,
        }),
        // Its own process group, so that stop reaches the app's children and the app survives us.
        detached: true,
        stdio: ['ignore', stdout, stderr],
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    child.unref();
    const pid = child.pid as number;
    const stat = await readProcStat(pid);
    const entry: RunningProcess = {
      spec,
      handle: { pid, startTime: stat?.startTime ?? 0, port },
      child,
      exit: undefined,
      stopRequested: false,
      cpuSample: undefined,
      storage: undefined,
    };
    child.once('exit', (code, signal) => {
      entry.exit = { code, signal };
    });
    this.processes.set(spec.instance, entry);
    return this.status(spec.instance);
  }

  async stop(instance: string, options?: { graceMs?: number }): Promise<void> {
    const entry = this.processes.get(instance);
    if (!entry) return;
    entry.stopRequested = true;
    if (!(await this.alive(entry))) return;
    await endGroup((entry.handle as ProcessHandle).pid, options?.graceMs ?? this.graceMs, () =>
      this.alive(entry),
    );
  }

  /**
   * Every process of this host's instances running now: a session leader (the agent starts each
   * workload detached, in a session of its own; its children share its environment, not that)
   * whose environment names an instance under `instancesDir` (workloadOfEnvironment), or, when its
   * environment was overwritten or cannot be read, whose stdout goes to an instance's log file
   * there (workloadOfStdout). Read from
   * /proc, so it finds what an agent killed between starting a workload and saving its pid left.
   * A workload's child that daemonizes (a session of its own, the inherited environment) looks the
   * same and is stopped at the agent's next restart as a second copy: a process workload must stay
   * in its foreground process, as under any supervisor.
   */
  async findWorkloads(instancesDir: string): Promise<FoundWorkload[]> {
    const found: FoundWorkload[] = [];
    const pids = (await readdir('/proc')).map(Number).filter((p) => Number.isInteger(p) && p > 0);
    const look = async (pid: number): Promise<void> => {
      const stat = await readProcStat(pid);
      if (!stat || stat.session !== pid || stat.state === 'Z' || stat.state === 'X') return;
      const environ = await readProcEnviron(pid);
      // The environment names the port too; stdout is the fallback the workload cannot rewrite.
      let workload = environ && workloadOfEnvironment(parseEnviron(environ), instancesDir);
      if (!workload) {
        const stdout = await readProcStdout(pid);
        workload = stdout ? workloadOfStdout(stdout, instancesDir) : undefined;
      }
      if (!workload) return;
      const handle: ProcessHandle = { pid, startTime: stat.startTime, port: workload.port ?? 0 };
      found.push({ instance: workload.instance, handle: { ...handle } });
    };
    // A few reads at a time: one by one, thousands of processes add seconds to a restart.
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < pids.length) await look(pids[next++]);
    };
    await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, reader));
    // Oldest first: when one copy of several is adopted, it is the one that ran longest.
    return found.sort((a, b) => Number(a.handle.startTime) - Number(b.handle.startTime));
  }

  /** Ends a found workload's process group as a stop does: SIGTERM, then SIGKILL after the grace. */
  async stopFound(found: FoundWorkload, options?: { graceMs?: number }): Promise<void> {
    const pid = Number(found.handle.pid);
    const startTime = Number(found.handle.startTime);
    const alive = () => isSameLiveProcess(pid, startTime);
    if (!Number.isInteger(pid) || pid <= 0 || !(await alive())) return;
    await endGroup(pid, options?.graceMs ?? this.graceMs, alive);
  }

  async destroy(instance: string): Promise<void> {
    const entry = this.processes.get(instance);
    if (!entry) return;
    await this.stop(instance, { graceMs: Math.min(this.graceMs, 2000) });
    this.processes.delete(instance);
    const { home, tmp } = ownDirsOf(entry.spec);
    for (const dir of [logDirOf(entry.spec), home, tmp, entry.spec.dataDir])
      await rm(dir, { recursive: true, force: true });
  }

  async status(instance: string): Promise<LayerInstanceStatus> {
    const entry = this.processes.get(instance);
    if (!entry || !entry.handle) return { state: 'stopped', handle: {} };
    const handle = { ...entry.handle };
    if (await this.alive(entry)) return { state: 'running', handle };
    if (entry.stopRequested) return { state: 'stopped', handle };
    return { state: 'failed', handle, detail: exitDetail(entry) };
  }

  async probe(instance: string): Promise<ProbeResult> {
    const entry = this.processes.get(instance);
    if (!entry || !entry.handle || !(await this.alive(entry))) {
      return { healthy: false, detail: 'process not running' };
    }
    const { port } = entry.handle;
    const health = entry.spec.health;
    let healthy = true;
    let detail: string | undefined;
    try {
      if (health?.http) {
        const answer = await httpGet(port, health.http.path, this.probeTimeoutMs);
        healthy = answer.status >= 200 && answer.status < 400;
        if (!healthy) detail = `GET ${health.http.path} answered ${answer.status}`;
      } else if (health?.tcp) {
        await tcpConnect(port, this.probeTimeoutMs);
      }
    } catch (error) {
      healthy = false;
      detail = (error as Error).message;
    }
    return { healthy, load: await this.load(port), detail };
  }

  async usage(instance: string): Promise<InstanceUsage> {
    const entry = this.processes.get(instance);
    const none = { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, ...noNetwork };
    if (!entry || !entry.handle) return none;
    const logs = logDirOf(entry.spec);
    await capLogFile(join(logs, 'stdout.log'), this.logCapBytes);
    await capLogFile(join(logs, 'stderr.log'), this.logCapBytes);
    const now = Date.now();
    if (!entry.storage || now - entry.storage.at > STORAGE_REFRESH_MS) {
      entry.storage = { bytes: await directorySize(entry.spec.dataDir), at: now };
    }
    const stat = await readProcStat(entry.handle.pid);
    if (!stat || stat.startTime !== entry.handle.startTime)
      return { ...none, storageBytes: entry.storage.bytes };
    const before = entry.cpuSample;
    entry.cpuSample = { ticks: stat.cpuTicks, at: now };
    const cpuMillis =
      before && now > before.at
        ? Math.round(
            (((stat.cpuTicks - before.ticks) * 1000) / CLOCK_TICKS_PER_SECOND / (now - before.at)) *
              1000,
          )
        : 0;
    return {
      cpuMillis,
      memoryBytes: await readResidentBytes(entry.handle.pid),
      storageBytes: entry.storage.bytes,
      ...(await this.networkOf(entry, entry.handle.pid, now)),
    };
  }

  /**
   * /proc/<pid>/net/dev counts the process's network namespace, not the process: a process in its
   * own namespace (started so by its command, a container runtime...) is measured in and out; one in
   * the host's namespace shares its counters with everything else on the host, so it reports zero
   * and its traffic is counted in the host's usage only.
   */
  private async networkOf(entry: RunningProcess, pid: number, now: number): Promise<NetworkRates> {
    if (!(await hasOwnNetworkNamespace(pid))) return noNetwork;
    entry.network ??= new NetworkRateMeter();
    try {
      return entry.network.next(await readNetworkCounters(pid), now);
    } catch {
      return noNetwork;
    }
  }

  async adopt(spec: InstanceSpec, handle: Record<string, unknown>): Promise<boolean> {
    const pid = Number(handle.pid);
    const startTime = Number(handle.startTime);
    const port = Number(handle.port);
    const alive = Number.isInteger(pid) && pid > 0 && (await isSameLiveProcess(pid, startTime));
    this.processes.set(spec.instance, {
      spec,
      handle: alive ? { pid, startTime, port } : undefined,
      child: undefined,
      exit: undefined,
      stopRequested: false,
      cpuSample: undefined,
      storage: undefined,
    });
    return alive;
  }

  /** The port the agent gave the process (PORT): where it is expected to listen. */
  endpointOf(handle: Record<string, unknown>): LayerEndpoint | undefined {
    const port = Number(handle.port);
    return Number.isInteger(port) && port > 0 && port < 65536 ? { port } : undefined;
  }

  /** A tar stream of the data dir; stop the instance first for a consistent copy. */
  async exportData(instance: string): Promise<Readable> {
    const entry = this.processes.get(instance);
    if (!entry) throw new Error(`process instance ${instance} is unknown`);
    await mkdir(entry.spec.dataDir, { recursive: true });
    return Readable.from(loadTar().c({ cwd: entry.spec.dataDir, portable: true }, ['.']));
  }

  /** Unpacks a tar stream into the (stopped) instance's data dir. */
  async importData(spec: InstanceSpec, data: Readable): Promise<void> {
    const entry = this.processes.get(spec.instance);
    if (entry && (await this.alive(entry)))
      throw new Error(`process instance ${spec.instance} is running: stop it first`);
    await mkdir(spec.dataDir, { recursive: true });
    if (!entry) {
      this.processes.set(spec.instance, {
        spec,
        handle: undefined,
        child: undefined,
        exit: undefined,
        stopRequested: true,
        cpuSample: undefined,
        storage: undefined,
      });
    }
    const extract = loadTar().x({ cwd: spec.dataDir });
    await new Promise<void>((resolve, reject) => {
      extract.on('close', resolve);
      extract.on('error', reject);
      data.on('error', reject);
      data.pipe(extract);
    });
  }

  /** Forgets every process without touching it: the agent is going away and its children stay. */
  detachAll(): void {
    for (const entry of this.processes.values()) entry.child?.removeAllListeners('exit');
    this.processes.clear();
  }

  private async alive(entry: RunningProcess): Promise<boolean> {
    if (!entry.handle || entry.exit) return false;
    return isSameLiveProcess(entry.handle.pid, entry.handle.startTime);
  }

  private async load(port: number): Promise<number | undefined> {
    try {
      const answer = await httpGet(port, '/metrics', this.probeTimeoutMs);
      return answer.status === 200 ? parseFederaLoad(answer.body) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Logs live beside the data dir (`<instanceDir>/logs`), so they never travel with exported data. */
function logDirOf(spec: InstanceSpec): string {
  return join(dirname(spec.dataDir), 'logs');
}

/**
 * The instance's HOME and TMPDIR, beside its data dir like its logs: its own, never the agent's, and
 * not moved with its data (what must move belongs in FEDERA_DATA_DIR).
 */
function ownDirsOf(spec: InstanceSpec): { home: string; tmp: string } {
  return { home: join(dirname(spec.dataDir), 'home'), tmp: join(dirname(spec.dataDir), 'tmp') };
}

/** SIGTERM to the group led by `pid`, SIGKILL once `graceMs` passed; resolves when it is gone. */
async function endGroup(
  pid: number,
  graceMs: number,
  alive: () => Promise<boolean>,
): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await alive())) return;
    await sleep(50);
  }
  signalGroup(pid, 'SIGKILL');
  // Bounded: a process stuck in the kernel (D state: a hung NFS or FUSE mount) ignores even SIGKILL
  // until its call returns; it is reported and left, never waited on forever.
  const killDeadline = Date.now() + KILL_WAIT_MS;
  while (await alive()) {
    if (Date.now() >= killDeadline)
      throw new Error(
        `process ${pid} still runs ${KILL_WAIT_MS / 1000} s after SIGKILL (stuck in the kernel?); left as it is`,
      );
    await sleep(20);
  }
}

/** How long a process group may take to die after SIGKILL before it is reported and left. */
const KILL_WAIT_MS = 5_000;

/** /proc entries read at once when scanning for workloads: a busy host has thousands. */
const SCAN_CONCURRENCY = 32;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function exitDetail(entry: RunningProcess): string {
  if (!entry.exit) return 'process exited';
  return entry.exit.signal
    ? `killed by ${entry.exit.signal}`
    : `exited with status ${entry.exit.code}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** tar, loaded at the first export or import: an agent that never moves data never pays its ~3 MB. */
function loadTar(): typeof import('tar') {
  return require('tar') as typeof import('tar');
}
