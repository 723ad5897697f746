import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceSpec } from '../layer-driver';
import { QemuDriver } from './qemu-driver';

/** Live-migration figures of a 128 MiB firmware-only VM between two agents' QEMUs on this machine. */
export interface QemuLiveMigrationMeasure {
  /** Median over the runs of source STOP → target RESUME (QEMU event timestamps). */
  qemu_live_downtime_ms: number;
  /** Median total migration time as QEMU reports it (or as measured when it reports 0). */
  qemu_live_total_ms: number;
}

/** Migrates a 128 MiB VM between two QemuDrivers `runs` times and answers the medians. */
export async function measureQemuLiveMigration(runs = 3): Promise<QemuLiveMigrationMeasure> {
  const root = await mkdtemp(join(tmpdir(), 'federa-bench-qemu-'));
  const source = new QemuDriver({ stopGraceMs: 0 });
  const target = new QemuDriver({ stopGraceMs: 0 });
  const downtimes: number[] = [];
  const totals: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const instance = `bench-live-${run}`;
      await source.start(benchSpec(instance, join(root, 'agent-a', instance)));
      const { uri } = await target.migrateIn(benchSpec(instance, join(root, 'agent-b', instance)));
      const result = await source.migrateOut(instance, { host: 'agent-b', uri });
      const resumedAt = await target.resumedAt(instance, 5_000);
      downtimes.push(resumedAt !== undefined ? resumedAt - result.stoppedAtMs : result.downtimeMs);
      totals.push(result.totalMs);
      await target.destroy(instance);
      await source.destroy(instance);
    }
  } finally {
    for (let run = 0; run < runs; run++) {
      await target.destroy(`bench-live-${run}`).catch(() => undefined);
      await source.destroy(`bench-live-${run}`).catch(() => undefined);
    }
    await rm(root, { recursive: true, force: true });
  }
  return { qemu_live_downtime_ms: median(downtimes), qemu_live_total_ms: median(totals) };
}

function benchSpec(instance: string, dataDir: string): InstanceSpec {
  return {
    instance,
    service: 'bench',
    app: 'vm',
    artifact: { memoryMiB: 128 },
    resources: { cpuMillis: 1000, memoryBytes: 128 * 2 ** 20, storageBytes: 0, bandwidthBps: 0 },
    dataDir,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Math.round(value * 1000) / 1000;
}
