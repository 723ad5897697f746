import { readFileSync, rmSync } from 'node:fs';
import type { INestMicroservice } from '@nestjs/common';
import type { HostConfig } from '@federa/contracts';
import { loadConfig } from '@federa/runtime';
import { loadInventoryConfig } from '../services/inventory/src';
import { InventoryModule } from '../services/inventory/src/inventory.module';
import { PlacementModule } from '../services/placement/src/placement.module';
import { Agent as HostAgentProcess } from '../services/agent/src';
import { hostConfig, killGroup, persistedHandle, repoRoot, tempDir } from './agent-harness';
import type { ControlPlane } from './supervision-harness';
import { listenOnCommands } from './command-service';

/** How the fleet's hosts are watched; every field has the test default in brackets. */
export interface FleetOptions {
  /** The agents' heartbeat interval [200]. */
  heartbeatMs?: number;
  /** Silence after which inventory declares a host down [3 heartbeats]. */
  downAfterMs?: number;
  /** Resolution of inventory's liveness loop [50]. */
  livenessTickMs?: number;
  /** The layers every agent offers [process]. */
  layers?: HostConfig['layers'];
  /** What differs in a host's host.yaml (its rates, security level, ...) [nothing]. */
  hostConfig?: (host: string) => Partial<HostConfig>;
  /**
   * false: inventory and placement run elsewhere (processes of their own, given `leaseDir`), and
   * only the agents start here [true].
   */
  inProcessServices?: boolean;
  /** The lease directory the agents renew in, which inventory reads; close() removes it [a new one]. */
  leaseDir?: string;
}

/**
 * Real agents (process layer) beside a control plane, with the real inventory and placement
 * services in this process: registrations get their epochs from inventory, and a host whose
 * heartbeats stop is declared down by inventory's liveness loop, nobody else.
 */
export class Fleet {
  readonly agents = new Map<string, { agent: HostAgentProcess; dataDir: string }>();
  private readonly dataDirs = new Map<string, string>();

  private constructor(
    private readonly plane: ControlPlane,
    private readonly inventory: INestMicroservice | undefined,
    private readonly placement: INestMicroservice | undefined,
    private readonly leaseDir: string,
    private readonly heartbeatMs: number,
    private readonly layers: HostConfig['layers'],
    private readonly configOf: (host: string) => Partial<HostConfig> = () => ({}),
  ) {}

  static async start(plane: ControlPlane, hosts: string[], options: FleetOptions = {}) {
    const heartbeatMs = options.heartbeatMs ?? 200;
    const leaseDir = options.leaseDir ?? tempDir('sup-leases');
    const env = {
      FEDERA_DATABASE_URL: plane.database.url,
      FEDERA_NATS_URL: plane.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: plane.prefix,
      FEDERA_HEARTBEAT_MS: String(heartbeatMs),
      FEDERA_DOWN_AFTER_MS: String(options.downAfterMs ?? 3 * heartbeatMs),
      FEDERA_LIVENESS_TICK_MS: String(options.livenessTickMs ?? 50),
      FEDERA_LEASE_DIR: leaseDir,
    };
    const bus = { natsUrl: env.FEDERA_NATS_URL, subjectPrefix: env.FEDERA_SUBJECT_PREFIX };
    const inProcess = options.inProcessServices ?? true;
    const inventory = inProcess
      ? await listenOnCommands(InventoryModule.forRoot(loadInventoryConfig(env)), 'inventory', bus)
      : undefined;
    const config = { ...loadConfig(env) };
    const placement = inProcess
      ? await listenOnCommands(
          PlacementModule.forRoot({ config, share: { index: 0, count: 1 } }),
          'placement',
          bus,
        ).catch(async (error: unknown) => {
          await inventory?.close();
          throw error;
        })
      : undefined;
    const layers = options.layers ?? ['process'];
    const fleet = new Fleet(
      plane,
      inventory,
      placement,
      leaseDir,
      heartbeatMs,
      layers,
      options.hostConfig,
    );
    try {
      for (const host of hosts) await fleet.startHost(host);
    } catch (error) {
      // A start that fails part-way ends the agents and services it started, as close() would.
      await fleet.close().catch(() => undefined);
      throw error;
    }
    return fleet;
  }

  /** Starts (or restarts, on the same data directory) the agent of `host` and waits for its epoch. */
  async startHost(host: string): Promise<HostAgentProcess> {
    const dataDir = this.dataDirs.get(host) ?? tempDir(`sup-${host}`);
    this.dataDirs.set(host, dataDir);
    const agent = await HostAgentProcess.start({
      config: { ...fleetHostConfig(host, this.layers), ...this.configOf(host) } as HostConfig,
      dataDir,
      natsUrl: this.plane.settings.natsUrl,
      subjectPrefix: this.plane.prefix,
      heartbeatMs: this.heartbeatMs,
      leaseDir: this.leaseDir,
      cwd: repoRoot,
      logger: require('pino').pino({ level: 'silent' }),
    });
    await agent.whenRegistered();
    this.agents.set(host, { agent, dataDir });
    return agent;
  }

  /**
   * The host dies as when a machine loses power: its agent stops (no heartbeat, no lease renewal)
   * and every instance process it ran is killed. Answers the instances that were there.
   */
  async killHost(host: string): Promise<string[]> {
    const entry = this.agents.get(host);
    if (!entry) return [];
    this.agents.delete(host);
    await entry.agent.stop();
    const instances = instancesIn(entry.dataDir);
    for (const id of instances) killGroup(persistedHandle(entry.dataDir, id).pid);
    return instances;
  }

  /**
   * The host's agent stops, as when it crashes or its host is cut off: no heartbeat, no lease
   * renewal, but the instance processes it ran keep running (a restarted agent adopts them).
   */
  async silenceHost(host: string): Promise<void> {
    const entry = this.agents.get(host);
    if (!entry) return;
    this.agents.delete(host);
    await entry.agent.stop();
  }

  /** The port an instance's application listens on. */
  portOf(host: string, instance: string): number {
    return persistedHandle(this.agents.get(host)?.dataDir as string, instance).port;
  }

  async close(): Promise<void> {
    for (const host of [...this.agents.keys()]) await this.killHost(host);
    // Silenced hosts' instances outlived their agent: nothing else ends them.
    for (const dir of this.dataDirs.values())
      for (const id of instancesIn(dir)) killGroup(persistedHandle(dir, id).pid);
    await this.placement?.close();
    await this.inventory?.close();
    for (const dir of [...this.dataDirs.values(), this.leaseDir])
      rmSync(dir, { recursive: true, force: true });
  }
}

/** Same capacity everywhere (not this machine's), so that placement behaves alike on every runner. */
function fleetHostConfig(host: string, layers: HostConfig['layers']): HostConfig {
  return {
    ...hostConfig(host, layers),
    capacity: { cpu: 8, memory: '16Gi', storage: '500Gi', bandwidth: '10Gbps' },
  } as HostConfig;
}

function instancesIn(dataDir: string): string[] {
  try {
    const table = JSON.parse(readFileSync(`${dataDir}/instances.json`, 'utf8')) as {
      instances: { spec: { instance: string }; handle?: { pid: number } }[];
    };
    return table.instances.filter((row) => row.handle).map((row) => row.spec.instance);
  } catch {
    return [];
  }
}
