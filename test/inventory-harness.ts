import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { streamIds, Subjects } from '@federa/contracts';
import { CommandClient, connectNats } from '@federa/messaging';
import { PostgresEventStore } from '@federa/eventstore';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { loadInventoryConfig, type InventoryConfig } from '../services/inventory/src';
import { startInventory } from '../services/inventory/src/main';
import { FakeAgent } from './inventory-fake-agent';

export const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

/** One inventory process (in this Jest worker) on a fresh database and a subject prefix of its own. */
export class InventoryHarness {
  app: INestMicroservice;
  nc: NatsConnection;
  client: CommandClient;
  pool: Pool;
  store: PostgresEventStore;
  subjects: Subjects;
  config: InventoryConfig;
  readonly leaseDir = mkdtempSync(join(tmpdir(), 'federa-inventory-leases-'));
  private db: FreshDatabase;
  private readonly agents: FakeAgent[] = [];

  static async start(env: Record<string, string> = {}): Promise<InventoryHarness> {
    const harness = new InventoryHarness();
    harness.db = await freshDatabase('inventory');
    const prefix = uniquePrefix('inv');
    harness.subjects = new Subjects(prefix);
    harness.config = loadInventoryConfig({
      FEDERA_DATABASE_URL: harness.db.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: prefix,
      FEDERA_LEASE_DIR: harness.leaseDir,
      ...env,
    });
    harness.app = await startInventory(harness.config);
    harness.nc = await connectNats(natsUrl, 'inventory-test');
    harness.client = new CommandClient(harness.nc, harness.subjects, 5000);
    harness.pool = new Pool({ connectionString: harness.db.url, max: 2 });
    harness.store = new PostgresEventStore(harness.pool);
    return harness;
  }

  agent(host: string, site = 'geneva'): FakeAgent {
    const agent = new FakeAgent(
      this.nc,
      this.subjects,
      host,
      site,
      this.leaseDir,
      this.config.federa.heartbeatMs,
    );
    this.agents.push(agent);
    return agent;
  }

  async eventTypes(host: string): Promise<string[]> {
    const { events } = await this.store.readStream(streamIds.host(host));
    return events.map((e) => e.type);
  }

  async events(host: string) {
    return (await this.store.readStream(streamIds.host(host))).events;
  }

  async stop(): Promise<void> {
    for (const agent of this.agents) agent.stop();
    await this.app?.close();
    await this.nc?.close();
    await this.pool?.end();
    await this.db?.drop();
    rmSync(this.leaseDir, { recursive: true, force: true });
  }
}
