import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { loadConfig } from '@federa/runtime';
import { eventually } from '@federa/testing';
import { stringify } from 'yaml';
import { loadInventoryConfig } from '../services/inventory/src';
import { InventoryModule } from '../services/inventory/src/inventory.module';
import { PlacementModule } from '../services/placement/src/placement.module';
import { hostConfig, repoRoot, tempDir } from './agent-harness';
import type { ControlPlane } from './supervision-harness';
import { listenOnCommands } from './command-service';

/**
 * Kills a child process (SIGKILL) and resolves once it has exited; at once if it had already, since
 * its 'exit' has been emitted then and would never come again.
 */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** How the fleet's hosts are watched. */
export interface ProcessFleetOptions {
  /** The agents' heartbeat interval. @default 250 */
  heartbeatMs?: number;
  /** Silence after which inventory declares a host down. @default 2500 */
  downAfterMs?: number;
}

interface HostProcess {
  child: ChildProcess;
  dataDir: string;
  configPath: string;
}

/**
 * Real agents, each a process of its own (`federa-agent` through test/agent-cli-child.js) so that a
 * test can freeze (SIGSTOP), thaw (SIGCONT) or kill (SIGKILL) it; the real inventory and placement
 * in this process. The agents carry FEDERA_TEST_FLEET=<prefix> in their environment; the instances
 * they spawn inherit only an allow-list of it, so they are known by their FEDERA_DATA_DIR, under
 * their agent's data directory: `running()` reads the process table by it, and `close()` ends them
 * all.
 */
export class ProcessFleet {
  private readonly hosts = new Map<string, HostProcess>();
  private readonly dataDirs = new Map<string, string>();

  private constructor(
    private readonly plane: ControlPlane,
    private readonly inventory: INestMicroservice,
    private readonly placement: INestMicroservice,
    private readonly leaseDir: string,
    readonly heartbeatMs: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(
    plane: ControlPlane,
    hosts: string[],
    options: ProcessFleetOptions = {},
  ): Promise<ProcessFleet> {
    const heartbeatMs = options.heartbeatMs ?? 250;
    const leaseDir = tempDir('fence-leases');
    const env = {
      FEDERA_DATABASE_URL: plane.database.url,
      FEDERA_NATS_URL: plane.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: plane.prefix,
      FEDERA_HEARTBEAT_MS: String(heartbeatMs),
      FEDERA_DOWN_AFTER_MS: String(options.downAfterMs ?? 2500),
      FEDERA_LIVENESS_TICK_MS: '50',
      FEDERA_LEASE_DIR: leaseDir,
    };
    const bus = { natsUrl: env.FEDERA_NATS_URL, subjectPrefix: env.FEDERA_SUBJECT_PREFIX };
    const inventory = await listenOnCommands(
      InventoryModule.forRoot(loadInventoryConfig(env)),
      'inventory',
      bus,
    );
    const placement = await listenOnCommands(
      PlacementModule.forRoot({ config: loadConfig(env), share: { index: 0, count: 1 } }),
      'placement',
      bus,
    );
    const fleet = new ProcessFleet(plane, inventory, placement, leaseDir, heartbeatMs, env);
    await Promise.all(hosts.map((host) => fleet.startHost(host)));
    return fleet;
  }

  /** Starts (or restarts, on the same data directory) `host`'s agent and waits until it registered. */
  async startHost(host: string): Promise<void> {
    const dataDir = this.dataDirs.get(host) ?? tempDir(`fence-${host}`);
    this.dataDirs.set(host, dataDir);
    const configPath = join(dataDir, 'host.yaml');
    writeFileSync(
      configPath,
      stringify({
        ...hostConfig(host),
        capacity: { cpu: 8, memory: '16Gi', storage: '500Gi', bandwidth: '10Gbps' },
      }),
    );
    const before = await this.lastPosition();
    const log = openSync(join(dataDir, 'agent.log'), 'a');
    const child = spawn(
      process.execPath,
      ['test/agent-cli-child.js', '--config', configPath, '--data-dir', dataDir],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...this.env,
          FEDERA_LOG_LEVEL: 'warn',
          FEDERA_TEST_FLEET: this.plane.prefix,
        },
        stdio: ['ignore', log, log],
      },
    );
    closeSync(log);
    this.hosts.set(host, { child, dataDir, configPath });
    await eventually(
      async () =>
        (await this.plane.events(['HostRegistered', 'HostRecovered'])).some(
          (e) => e.position > before && e.data.host === host,
        ),
      60_000,
      200,
    );
  }

  /** The agent process of `host`. */
  pidOf(host: string): number {
    const pid = this.hosts.get(host)?.child.pid;
    if (pid === undefined) throw new Error(`no agent process for ${host}`);
    return pid;
  }

  /** Freezes the agent (SIGSTOP): it neither heartbeats nor renews its lease; its instances run on. */
  freeze(host: string): void {
    process.kill(this.pidOf(host), 'SIGSTOP');
  }

  thaw(host: string): void {
    process.kill(this.pidOf(host), 'SIGCONT');
  }

  /** Kills the agent (SIGKILL) as a crash would; the instance processes it ran keep running. */
  async kill(host: string): Promise<void> {
    const entry = this.hosts.get(host);
    if (!entry) return;
    await killChild(entry.child);
    this.hosts.delete(host);
  }

  /**
   * The instance processes alive now, read from the process table (not from any log or agent):
   * instance id → how many processes run it (an application's children share its environment,
   * so only group leaders count).
   */
  running(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      let environ: string;
      let stat: string;
      try {
        environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const instance = this.instanceOf(environ.split('\0'));
      if (!instance) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [state, , pgrp] = [fields[0], fields[1], Number(fields[2])];
      if (state === 'Z' || state === 'X' || pgrp !== pid) continue;
      counts.set(instance, (counts.get(instance) ?? 0) + 1);
    }
    return counts;
  }

  async close(): Promise<void> {
    for (const host of [...this.hosts.keys()]) {
      try {
        this.thaw(host);
      } catch {
        // already gone
      }
      await this.kill(host);
    }
    // Every instance process this fleet's agents started, found by the marker they inherited.
    for (const pid of this.markedGroupLeaders()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.placement.close();
    await this.inventory.close();
    for (const dir of [...this.dataDirs.values(), this.leaseDir])
      rmSync(dir, { recursive: true, force: true });
  }

  /** The instance a process with this environment runs for one of this fleet's agents, if any. */
  private instanceOf(environ: readonly string[]): string | undefined {
    const instance = environ.find((v) => v.startsWith('FEDERA_INSTANCE='))?.slice(16);
    const dataDir = environ.find((v) => v.startsWith('FEDERA_DATA_DIR='))?.slice(16);
    if (!instance || !dataDir) return undefined;
    for (const dir of this.dataDirs.values()) if (dataDir.startsWith(`${dir}/`)) return instance;
    return undefined;
  }

  private markedGroupLeaders(): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
        if (this.instanceOf(environ)) pids.push(Number(entry));
      } catch {
        continue;
      }
    }
    return pids;
  }

  private async lastPosition(): Promise<number> {
    return (await this.plane.events()).at(-1)?.position ?? 0;
  }
}
