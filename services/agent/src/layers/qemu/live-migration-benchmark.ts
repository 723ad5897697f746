import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceSpec } from '../layer-driver';
import { QemuDriver } from './qemu-driver';

/** Live-migration figures of a 128 MiB firmware-only VM between two agents' QEMUs on this machine. */
export interface QemuLiveMigrationMeasure {
  /** Median over the runs of the source's STOP → the target's RESUME (both QEMU event timestamps). */
  qemu_live_downtime_ms: number;
  /** Worst run of the same STOP → RESUME figure. */
  qemu_live_downtime_max_ms: number;
  /** Median total migration time as QEMU reports it (or as timed by the driver when it reports 0). */
  qemu_live_total_ms: number;
  /** Median of QEMU's own `query-migrate` downtime, for comparison only (it sometimes reports 0). */
  qemu_reported_downtime_ms: number;
  qemu_live_memory_mib: number;
  qemu_live_runs: number;
  qemu_accelerator: string;
}

const memoryMiB = 128;
const resumeWaitMs = 5_000;

/**
 * Migrates a running 128 MiB VM between two QemuDrivers `runs` times and answers the medians;
 * downtime is only ever the source's STOP → the target's RESUME event, never an estimate.
 */
export async function measureQemuLiveMigration(runs = 5): Promise<QemuLiveMigrationMeasure> {
  const root = await mkdtemp(join(tmpdir(), 'federa-bench-qemu-'));
  const source = new QemuDriver({ stopGraceMs: 0 });
  const target = new QemuDriver({ stopGraceMs: 0 });
  const downtimes: number[] = [];
  const reported: number[] = [];
  const totals: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const instance = `bench-live-${run}`;
      const started = await source.start(benchSpec(instance, join(root, 'agent-a', instance)));
      // Only a running guest emits STOP when migration pauses it: otherwise there is no downtime start.
      if (started.state !== 'running') {
        throw new Error(`source VM ${instance} is ${started.detail ?? started.state}, not running`);
      }
      const { uri } = await target.migrateIn(benchSpec(instance, join(root, 'agent-b', instance)));
      const result = await source.migrateOut(instance, { host: 'agent-b', uri });
      const resumedAt = await target.resumedAt(instance, resumeWaitMs);
      if (resumedAt === undefined) {
        throw new Error(`target VM ${instance} sent no RESUME within ${resumeWaitMs} ms`);
      }
      if (!result.stopObserved) {
        throw new Error(
          `source VM ${instance} sent no STOP event: its downtime cannot be measured`,
        );
      }
      const downtime = resumedAt - result.stoppedAtMs;
      downtimes.push(downtime);
      reported.push(result.qemuDowntimeMs);
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
  return {
    qemu_live_downtime_ms: median(downtimes),
    qemu_live_downtime_max_ms: round(Math.max(...downtimes)),
    qemu_live_total_ms: median(totals),
    qemu_reported_downtime_ms: median(reported),
    qemu_live_memory_mib: memoryMiB,
    qemu_live_runs: runs,
    qemu_accelerator: (await source.accelerator()).accelerator,
  };
}

function benchSpec(instance: string, dataDir: string): InstanceSpec {
  return {
    instance,
    service: 'bench',
    app: 'vm',
    artifact: { memoryMiB },
    resources: {
      cpuMillis: 1000,
      memoryBytes: memoryMiB * 2 ** 20,
      storageBytes: 0,
      bandwidthBps: 0,
    },
    dataDir,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
