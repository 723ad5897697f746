import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { newEvent, streamIds, Subjects, type HostRegisteredData } from '@federa/contracts';
import { PostgresEventStore } from '@federa/eventstore';
import { CommandExceptionFilter, CommandTransport, connectNats } from '@federa/messaging';
import { loadConfig } from '@federa/runtime';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { PlacementModule } from '../services/placement/src/placement.module';
import { Agent as HostAgentProcess } from '../services/agent/src/agent';
import { hostConfig, killGroup, persistedHandle, repoRoot, tempDir } from './agent-harness';
import type { ControlPlane } from './supervision-harness';

const GiB = 1024 ** 3;

/**
 * Real agents (process layer) and placement beside a control plane. Inventory's part is played here:
 * registrations are answered with epochs and recorded as HostRegistered, and `hostDown` records HostDown.
 */
export class Fleet {
  readonly agents = new Map<string, { agent: HostAgentProcess; dataDir: string }>();
  private readonly epochs = new Map<string, number>();

  private constructor(
    private readonly plane: ControlPlane,
    private readonly nc: NatsConnection,
    private readonly pool: Pool,
    private readonly store: PostgresEventStore,
    private readonly placement: INestMicroservice,
    private readonly heartbeatMs: number,
  ) {}

  /** @param heartbeatMs the agents' heartbeat interval; @default 200 */
  static async start(plane: ControlPlane, hosts: string[], heartbeatMs = 200): Promise<Fleet> {
    const nc = await connectNats(plane.settings.natsUrl, 'supervision-test-inventory');
    const pool = new Pool({ connectionString: plane.database.url, max: 2 });
    const store = new PostgresEventStore(pool);
    const config = {
      ...loadConfig(),
      databaseUrl: plane.database.url,
      natsUrl: plane.settings.natsUrl,
      subjectPrefix: plane.prefix,
    };
    const placement = await NestFactory.createMicroservice(
      PlacementModule.forRoot({ config, share: { index: 0, count: 1 } }),
      {
        strategy: new CommandTransport({
          natsUrl: config.natsUrl,
          subjectPrefix: config.subjectPrefix,
          service: 'placement',
        }),
        logger: ['error'],
      },
    );
    placement.useGlobalFilters(new CommandExceptionFilter());
    await placement.listen();
    const fleet = new Fleet(plane, nc, pool, store, placement, heartbeatMs);
    fleet.answerRegistrations();
    for (const host of hosts) await fleet.startHost(host);
    return fleet;
  }

  async startHost(host: string): Promise<HostAgentProcess> {
    const dataDir = this.agents.get(host)?.dataDir ?? tempDir(`sup-${host}`);
    const agent = await HostAgentProcess.start({
      config: hostConfig(host),
      dataDir,
      natsUrl: this.plane.settings.natsUrl,
      subjectPrefix: this.plane.prefix,
      heartbeatMs: this.heartbeatMs,
      cwd: repoRoot,
      logger: require('pino').pino({ level: 'silent' }),
    });
    await agent.whenRegistered();
    this.agents.set(host, { agent, dataDir });
    return agent;
  }

  /** The agent stops and its instances die with it, as when a machine loses power. */
  async killHost(host: string, instances: string[]): Promise<void> {
    const entry = this.agents.get(host);
    if (!entry) return;
    await entry.agent.stop();
    for (const id of instances) {
      try {
        killGroup(persistedHandle(entry.dataDir, id).pid);
      } catch {
        // never started there
      }
    }
    this.agents.delete(host);
  }

  /** What inventory records once the host's heartbeats have stopped for long enough. */
  async hostDown(host: string, instances: string[]): Promise<void> {
    await this.store.append(streamIds.host(host), 'any', [
      newEvent('HostDown', { host, reason: 'heartbeats stopped', instances }, this.metadata()),
    ]);
  }

  /** The port an instance's application listens on. */
  portOf(host: string, instance: string): number {
    return persistedHandle(this.agents.get(host)?.dataDir as string, instance).port;
  }

  async close(): Promise<void> {
    for (const [host, { agent, dataDir }] of this.agents) {
      await agent.stop();
      for (const id of instancesIn(dataDir)) killGroup(persistedHandle(dataDir, id).pid);
      this.agents.delete(host);
    }
    await this.placement.close();
    await this.nc.close();
    await this.pool.end();
  }

  private answerRegistrations(): void {
    const subjects = new Subjects(this.plane.prefix);
    this.nc.subscribe(subjects.agentRegister, {
      callback: (_error, msg) => {
        const body = JSON.parse(new TextDecoder().decode(msg.data)) as { host: string };
        const epoch = (this.epochs.get(body.host) ?? 0) + 1;
        this.epochs.set(body.host, epoch);
        const data: HostRegisteredData = {
          host: body.host,
          site: 'geneva',
          securityLevel: 3,
          layers: ['process'],
          capacity: {
            cpuMillis: 8000,
            memoryBytes: 16 * GiB,
            storageBytes: 500 * GiB,
            bandwidthBps: 10e9,
          },
          costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
          features: { ups: false, raid: false },
          epoch,
        };
        void this.store
          .append(streamIds.host(body.host), 'any', [
            newEvent('HostRegistered', data, this.metadata()),
          ])
          .then(() =>
            msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, result: { epoch } }))),
          );
      },
    });
  }

  private metadata() {
    return {
      correlationId: randomUUID(),
      actor: 'test-inventory',
      occurredAt: new Date().toISOString(),
    };
  }
}

function instancesIn(dataDir: string): string[] {
  try {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const table = JSON.parse(readFileSync(`${dataDir}/instances.json`, 'utf8')) as {
      instances: { spec: { instance: string } }[];
    };
    return table.instances.map((row) => row.spec.instance);
  } catch {
    return [];
  }
}
