import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostConfig } from '@federa/contracts';
import { freePort, natsServerBinary, waitForPort } from '@federa/testing';
import { repoRoot } from './agent-harness';

/** A host of the lab: a network namespace with one veth on the lab's bridge. */
export interface LabHost {
  name: string;
  netns: string;
  /** The root-namespace end of the veth: setting it down cuts the host off the bridge. */
  veth: string;
  ip: string;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let availability: string | undefined | null = null;

/**
 * Why separate hosts in network namespaces cannot be made here (no `ip`, no privilege to add a
 * namespace or a bridge, no nats-server), or undefined when they can. Probed once per process.
 */
export function networkLabUnavailable(): string | undefined {
  if (availability !== null) return availability;
  const probe = `fdprobe${randomBytes(3).toString('hex')}`;
  try {
    if (!natsServerBinary()) return (availability = 'no nats-server binary on this machine');
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    ip('link', 'add', probe, 'type', 'bridge');
    ip('link', 'del', probe);
    availability = undefined;
  } catch (error) {
    availability = `ip netns / bridges not permitted here: ${(error as Error).message.split('\n')[0]}`;
  }
  return availability;
}

/** A /24 in 10.0.0.0/8 that no route of this machine uses yet. */
function unusedSubnet(): string {
  const routes = ip('-4', 'route');
  for (;;) {
    const subnet = `10.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 256)}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
}

/**
 * Separate hosts on one machine: a bridge of its own in the root namespace
 * with an address that a nats-server of its own listens on, and hosts in namespaces of their own
 * joined to it by veths. Every name is unique to the lab; dispose() removes all it made, after
 * killing the processes it started and any process still inside its namespaces.
 */
export class NetworkLab {
  readonly hosts: LabHost[] = [];
  private readonly children: ChildProcess[] = [];
  private nats: ChildProcess | undefined;
  private readonly natsDir = mkdtempSync(join(tmpdir(), 'federa-lab-nats-'));
  natsPort = 0;

  private constructor(
    readonly id: string,
    readonly subnet: string,
    readonly bridge: string,
  ) {}

  /** The bridge's address: servers of the root namespace that lab hosts reach listen here. */
  get bridgeIp(): string {
    return `${this.subnet}.1`;
  }

  get natsUrl(): string {
    return `nats://${this.bridgeIp}:${this.natsPort}`;
  }

  static create(): NetworkLab {
    const id = randomBytes(3).toString('hex');
    const lab = new NetworkLab(id, unusedSubnet(), `fdbr${id}`);
    ip('link', 'add', lab.bridge, 'type', 'bridge');
    ip('addr', 'add', `${lab.bridgeIp}/24`, 'dev', lab.bridge);
    ip('link', 'set', lab.bridge, 'up');
    return lab;
  }

  addHost(name: string): LabHost {
    const index = this.hosts.length + 1;
    const host: LabHost = {
      name,
      netns: `federa-${this.id}-${name}`,
      veth: `fdv${this.id}${index}`,
      ip: `${this.subnet}.${10 + index}`,
    };
    ip('netns', 'add', host.netns);
    this.hosts.push(host);
    ip('link', 'add', host.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns);
    ip('link', 'set', host.veth, 'master', this.bridge, 'up');
    ip('-n', host.netns, 'addr', 'add', `${host.ip}/24`, 'dev', 'eth0');
    ip('-n', host.netns, 'link', 'set', 'eth0', 'up');
    ip('-n', host.netns, 'link', 'set', 'lo', 'up');
    ip('-n', host.netns, 'route', 'add', 'default', 'via', this.bridgeIp);
    return host;
  }

  /** Starts the lab's nats-server (JetStream on) on the bridge address. */
  async startNats(): Promise<string> {
    this.natsPort = await freePort();
    this.nats = spawn(
      natsServerBinary()!,
      ['-a', this.bridgeIp, '-p', String(this.natsPort), '-js', '-sd', this.natsDir],
      { stdio: 'ignore' },
    );
    await waitForPort(this.natsPort, 10_000, this.bridgeIp);
    return this.natsUrl;
  }

  /** Partitions `host` from the bridge (and so from the bus); its processes keep running. */
  cut(host: LabHost): void {
    ip('link', 'set', host.veth, 'down');
  }

  heal(host: LabHost): void {
    ip('link', 'set', host.veth, 'up');
  }

  /** Runs a command inside the host's namespace (`ip netns exec` execs it: the pid is its own). */
  spawnIn(host: LabHost, command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', host.netns, command, ...args], options);
    this.children.push(child);
    return child;
  }

  /** Runs a command inside the host's namespace to its end and answers its stdout. */
  runIn(host: LabHost, command: string, args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', host.netns, command, ...args], {
      encoding: 'utf8',
      timeout: 10_000,
    });
  }

  /** Kills what runs on the lab's hosts: the processes it started and any left in its namespaces. */
  async killHostProcesses(): Promise<void> {
    const running = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    const exited = running.map((c) => new Promise((r) => c.once('exit', r)));
    for (const child of running) child.kill('SIGKILL');
    await Promise.all(exited);
    for (const host of this.hosts) {
      // Instances the agents started (detached process groups) live on in the namespace.
      for (const pid of attempt(() => ip('netns', 'pids', host.netns))
        .split('\n')
        .filter(Boolean)) {
        attempt(() => process.kill(Number(pid), 'SIGKILL'));
      }
    }
  }

  async dispose(): Promise<void> {
    await this.killHostProcesses();
    for (const host of this.hosts) attempt(() => ip('netns', 'del', host.netns));
    attempt(() => ip('link', 'del', this.bridge));
    if (this.nats && this.nats.exitCode === null) {
      const exited = new Promise((r) => this.nats!.once('exit', r));
      this.nats.kill('SIGTERM');
      await exited;
    }
    rmSync(this.natsDir, { recursive: true, force: true });
  }
}

/** Runs a clean-up step that may find its object already gone. */
function attempt<T>(step: () => T): T | '' {
  try {
    return step();
  } catch {
    return '';
  }
}

export interface LabAgentOptions {
  natsUrl: string;
  subjectPrefix: string;
  heartbeatMs: number;
  leaseDir: string;
  /** The agent's data dir; its host.yaml is written beside it. */
  dataDir: string;
  config: HostConfig;
}

/**
 * Starts the real agent (`federa-agent --config`, services/agent/src/main.ts) as a process inside
 * the host's namespace, answered once it logged its registration.
 */
export async function startAgentIn(
  lab: NetworkLab,
  host: LabHost,
  options: LabAgentOptions,
): Promise<ChildProcess> {
  mkdirSync(options.dataDir, { recursive: true });
  const configFile = join(options.dataDir, '..', `${options.config.host}.yaml`);
  writeFileSync(configFile, JSON.stringify(options.config));
  const child = lab.spawnIn(
    host,
    process.execPath,
    [
      join(repoRoot, 'test', 'agent-cli-child.js'),
      '--config',
      configFile,
      '--data-dir',
      options.dataDir,
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        FEDERA_NATS_URL: options.natsUrl,
        FEDERA_SUBJECT_PREFIX: options.subjectPrefix,
        FEDERA_HEARTBEAT_MS: String(options.heartbeatMs),
        FEDERA_LEASE_DIR: options.leaseDir,
        FEDERA_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`agent ${options.config.host} did not register:\n${log}`)),
      30_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent ${options.config.host} exited with ${code}:\n${log}`));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('"msg":"registered"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.removeAllListeners('exit');
  return child;
}
