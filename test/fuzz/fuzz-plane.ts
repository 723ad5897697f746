import { ConsoleLogger, Logger, type INestMicroservice } from '@nestjs/common';
import { OwningServices, Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { loadConfig } from '@federa/runtime';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { loadInventoryConfig } from '../../services/inventory/src';
import { InventoryModule } from '../../services/inventory/src/inventory.module';
import { PlacementModule } from '../../services/placement/src/placement.module';
import { tempDir } from '../agent-harness';
import { listenOnCommands } from '../command-service';
import { startMigrationService } from '../migration-service';
import { natsUrl, startControlPlane, type ControlPlane } from '../supervision-harness';

/** Every line a service logged at warn or error during the run, with its context. */
class CapturingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  override warn(message: unknown, ...rest: unknown[]): void {
    this.lines.push(`${String(rest[rest.length - 1] ?? '')}: ${String(message)}`);
  }
  override error(message: unknown, ...rest: unknown[]): void {
    this.lines.push(`${String(rest[rest.length - 1] ?? '')}: ERROR ${String(message)}`);
  }
  override log(): void {}
  override debug(): void {}
  override verbose(): void {}
}

/**
 * The whole control plane in this process on a fresh database and a unique prefix: the gateway,
 * supervision and statistics (the shared harness), inventory, placement and migration; what the
 * services log is captured, and the log's head can be read at any time.
 */
export interface FuzzPlane {
  plane: ControlPlane;
  inventory: INestMicroservice;
  subjects: Subjects;
  nc: NatsConnection;
  logs: string[];
  leaseDir: string;
  /** The position of the last event in the log (0 when empty). */
  head(): Promise<number>;
  /** Every owning service answers its health ping, and the gateway its /healthz. */
  alive(): Promise<string[]>;
  close(): Promise<void>;
}

/** `inventoryEnv`: variables for inventory alone (its liveness thresholds). */
export async function startFuzzPlane(
  label: string,
  inventoryEnv: Record<string, string> = {},
): Promise<FuzzPlane> {
  const plane = await startControlPlane(label, {}, { statistics: true });
  const leaseDir = tempDir('fuzz-leases');
  const env = {
    ...process.env,
    FEDERA_DATABASE_URL: plane.database.url,
    FEDERA_NATS_URL: natsUrl,
    FEDERA_SUBJECT_PREFIX: plane.prefix,
    FEDERA_LEASE_DIR: leaseDir,
  };
  const bus = { natsUrl, subjectPrefix: plane.prefix };
  const inventory = await listenOnCommands(
    InventoryModule.forRoot(loadInventoryConfig({ ...env, ...inventoryEnv })),
    'inventory',
    bus,
  );
  const placement = await listenOnCommands(
    PlacementModule.forRoot({ config: loadConfig(env), share: { index: 0, count: 1 } }),
    'placement',
    bus,
  );
  const migration = await startMigrationService(env);
  // Last, so that every service's Logger writes here (Nest's logger is one per process).
  const logger = new CapturingLogger();
  Logger.overrideLogger(logger);
  const nc = await connectNats(natsUrl, 'fuzz-rogue-publisher');
  const pool = new Pool({ connectionString: plane.database.url, max: 2 });
  const subjects = new Subjects(plane.prefix);
  return {
    plane,
    inventory,
    subjects,
    nc,
    logs: logger.lines,
    leaseDir,
    async head() {
      const { rows } = await pool.query<{ head: string | null }>(
        'SELECT max(position) AS head FROM eventlog.events',
      );
      return Number(rows[0].head ?? 0);
    },
    async alive() {
      const answered: string[] = [];
      if ((await fetch(`${plane.gateway.url}/healthz`)).status === 200) answered.push('gateway');
      for (const service of OwningServices) {
        try {
          await nc.request(subjects.health(service), new Uint8Array(), { timeout: 10_000 });
          answered.push(service);
        } catch {
          // Not answering: left out of the list the test compares.
        }
      }
      return answered;
    },
    async close() {
      await nc.close();
      await pool.end();
      await migration.close();
      await placement.close();
      await inventory.close();
      await plane.close();
    },
  };
}
