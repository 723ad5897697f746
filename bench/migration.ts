// Migration benchmark: moves through the whole saga (POST /v1/instances/{id}/migrate → migration
// service → agents → JetStream object store) on a control plane with real agents (in this process,
// as the integration tests run them), against the same bytes put and got raw through the same object
// store bucket in the same run.
//   - cold: a kv-store (process layer) holding BENCH_MIGRATION_DATA_MIB of data moved cold, back and
//     forth between two hosts: cold_move_s (first phase begun → last phase ended), cold_downtime_ms
//     (as the migration records it), copy throughput = bytes ÷ (export + import phase times);
//     copy_ratio = that ÷ the raw put+get throughput (target ≥ 0.5).
//   - qemu live: a 128 MiB firmware-only VM moved live, back and forth: the downtime each migration
//     records (target ≤ 100 ms), the accelerator beside it; null with the reason where qemu is missing.
//   - drain: a host carrying BENCH_MIGRATION_DRAIN_INSTANCES stateless instances drained
//     (POST /v1/hosts/{id}/drain) until the host view says `drained`; where the drain does not move
//     anything yet, the same instances are migrated FEDERA_DRAIN_MAX_PARALLEL at a time instead and the
//     figure is named for that (move_20_instances_s), drain_20_instances_s null with the reason.
// The last line is one JSON object.
import type { INestMicroservice } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { eventually } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { startMigrationService } from '../test/migration-service';
import { Fleet } from '../test/supervision-fleet';
import { startControlPlane, type ControlPlane } from '../test/supervision-harness';
import { rawObjectStoreCopy, type RawCopy } from './object-store-baseline';
import { runBench } from './run-bench';
import { type Instance, planeEnv, type Json, vaultYaml, vmYaml } from '../test/migration-fixtures';

const DATA_MIB = Number(process.env.BENCH_MIGRATION_DATA_MIB ?? 100);
const COLD_RUNS = Number(process.env.BENCH_MIGRATION_COLD_RUNS ?? 2);
const QEMU_RUNS = Number(process.env.BENCH_MIGRATION_QEMU_RUNS ?? 5);
const DRAIN_INSTANCES = Number(process.env.BENCH_MIGRATION_DRAIN_INSTANCES ?? 20);
/** The documented default of FEDERA_DRAIN_MAX_PARALLEL (docs/reference/configuration.md). */
const DRAIN_PARALLEL = Number(process.env.FEDERA_DRAIN_MAX_PARALLEL ?? 2);
/** How long a drain has to start its first move before it counts as not evacuating. */
const DRAIN_START_WAIT_MS = Number(process.env.BENCH_MIGRATION_DRAIN_START_WAIT_MS ?? 30_000);
const COPY_RATIO_TARGET = 0.5;
const QEMU_DOWNTIME_TARGET_MS = 100;
const VALUE_BYTES = 2 ** 20;

const bulkYaml = (count: number) => `
apiVersion: federa/v1
kind: Service
metadata: { name: bulk }
spec:
  applications:
    - name: web
      layer: process
      artifact: { command: [node, examples/apps/web.js] }
      resources: { cpu: 100m, memory: 64Mi, storage: 0 }
      replicas: { min: ${count}, max: ${count} }
      health: { http: { path: /healthz }, intervalMs: 1000, failureThreshold: 3 }
`;

/** The middle value; for an even count the mean of the two middle ones (two runs: their mean). */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const secondsBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const log = (line: string) => process.stderr.write(`${line}\n`);

class Bench {
  constructor(
    readonly plane: ControlPlane,
    readonly fleet: Fleet,
  ) {}

  async instances(service: string): Promise<Instance[]> {
    return (await this.plane.call('GET', `/v1/instances?service=${service}&limit=500`)).json.items;
  }

  async deploy(service: string, yaml: string, healthy: number): Promise<Instance[]> {
    const put = await this.plane.call('PUT', `/v1/services/${service}`, yaml, 'application/yaml');
    if (put.status !== 200) throw new Error(`PUT ${service}: ${JSON.stringify(put.json)}`);
    await this.plane.call('POST', `/v1/services/${service}/deploy`);
    return (await eventually(
      async () => {
        const all = await this.instances(service);
        return all.filter((i) => i.state === 'healthy').length >= healthy ? all : undefined;
      },
      180_000,
      250,
    ))!;
  }

  /** Starts a migration and waits for its end; throws unless it succeeded. */
  async migrate(instance: string, body: Record<string, unknown>): Promise<Json> {
    if (typeof body.to === 'string') await this.ready(body.to);
    const started = await this.plane.call('POST', `/v1/instances/${instance}/migrate`, body);
    if (started.status !== 202) throw new Error(`migrate ${instance}: ${JSON.stringify(started)}`);
    const done = await this.finished(started.json.id);
    if (done.state !== 'succeeded')
      throw new Error(`migration ${done.id}: ${JSON.stringify(done)}`);
    // The next move needs the instance settled where the log has it.
    await eventually(async () => {
      const now = (await this.instances(done.service)).find((i) => i.id === instance);
      return now !== undefined && now.host === done.to && now.state === 'healthy';
    }, 60_000);
    return done;
  }

  /**
   * Waits until `host` is ready again: the agents share this process's event loop, which a raw
   * 100 MiB copy on a loaded machine can hold long enough for a heartbeat to be late (suspect).
   */
  async ready(host: string): Promise<void> {
    let last: Json;
    await eventually(
      async () => {
        last = (await this.plane.call('GET', `/v1/hosts/${host}`)).json;
        return last?.state === 'ready';
      },
      120_000,
      250,
    ).catch(() => {
      throw new Error(`${host} not ready in 120 s: ${JSON.stringify(last)}`);
    });
  }

  finished(migration: string): Promise<Json> {
    return eventually(
      async () => {
        const m = (await this.plane.call('GET', `/v1/migrations/${migration}`)).json;
        return ['succeeded', 'failed', 'rolled-back'].includes(m?.state) ? m : undefined;
      },
      600_000,
      100,
    ) as Promise<Json>;
  }
}

/** First phase begun → last phase ended, in seconds; and one phase's duration. */
function phaseSeconds(migration: Json, name?: string): number {
  const phases = migration.phases as { name: string; startedAt: string; endedAt: string }[];
  if (!name) return secondsBetween(phases[0].startedAt, phases.at(-1)!.endedAt);
  const phase = phases.find((p) => p.name === name)!;
  return secondsBetween(phase.startedAt, phase.endedAt);
}

async function drainHost(bench: Bench, host: string, instances: Instance[]) {
  const from = performance.now();
  const drain = await bench.plane.call('POST', `/v1/hosts/${host}/drain`, { reason: 'bench' });
  if (drain.status !== 200) throw new Error(`drain ${host}: ${JSON.stringify(drain.json)}`);
  const evacuating = await eventually(
    async () => {
      const view = (await bench.plane.call('GET', `/v1/hosts/${host}`)).json;
      if (view.drain?.state === 'drained') return true;
      const moves = (await bench.plane.call('GET', '/v1/migrations?limit=500')).json.items ?? [];
      return moves.some((m: Json) => m.from === host) || undefined;
    },
    DRAIN_START_WAIT_MS,
    250,
  ).catch(() => false);
  if (evacuating) {
    const outcome = await eventually(
      async () => {
        const view = (await bench.plane.call('GET', `/v1/hosts/${host}`)).json;
        return ['drained', 'timed-out'].includes(view.drain?.state) ? view.drain : undefined;
      },
      900_000,
      250,
    );
    if (outcome.state !== 'drained')
      throw new Error(`drain of ${host}: ${JSON.stringify(outcome)}`);
    return {
      drain_20_instances_s: round((performance.now() - from) / 1000, 2),
      drain_instances: instances.length,
      drain_max_parallel: DRAIN_PARALLEL,
    };
  }
  const reason = `POST /v1/hosts/{id}/drain started no move within ${DRAIN_START_WAIT_MS} ms (drain evacuation not in this build)`;
  log(`drain: ${reason}; moving the ${instances.length} instances ${DRAIN_PARALLEL} at a time`);
  const queue = [...instances];
  const movedFrom = performance.now();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await bench.migrate(next.id, {});
  };
  await Promise.all(Array.from({ length: DRAIN_PARALLEL }, worker));
  return {
    drain_20_instances_s: null,
    drain_20_instances_reason: reason,
    move_20_instances_s: round((performance.now() - movedFrom) / 1000, 2),
    drain_instances: instances.length,
    drain_max_parallel: DRAIN_PARALLEL,
  };
}

/** Fills the kv-store with DATA_MIB values of 1 MiB of base64 text; answers one key and its value. */
async function fill(bench: Bench, kv: Instance): Promise<{ key: string; value: string }> {
  const port = bench.fleet.portOf(kv.host, kv.id);
  let sample = { key: '', value: '' };
  for (let i = 0; i < DATA_MIB; i++) {
    const value = randomBytes((VALUE_BYTES * 3) / 4).toString('base64');
    const key = `blob-${i}`;
    const put = await fetch(`http://127.0.0.1:${port}/kv/${key}`, { method: 'PUT', body: value });
    if (put.status !== 200) throw new Error(`PUT ${key}: ${put.status}`);
    if (i === 0) sample = { key, value };
  }
  return sample;
}

async function coldMoves(bench: Bench, hosts: [string, string]) {
  const [kv] = await bench.deploy('vault', vaultYaml, 1);
  const sample = await fill(bench, kv);
  const runs: Json[] = [];
  let at = kv.host;
  for (let run = 0; run < COLD_RUNS; run++) {
    const to = at === hosts[0] ? hosts[1] : hosts[0];
    const done = await bench.migrate(kv.id, { to, mode: 'cold' });
    const read = await fetch(`http://127.0.0.1:${bench.fleet.portOf(to, kv.id)}/kv/${sample.key}`);
    if ((await read.text()) !== sample.value) throw new Error(`${sample.key} differs after a move`);
    const copyS = phaseSeconds(done, 'export') + phaseSeconds(done, 'import');
    runs.push({
      move_s: round(phaseSeconds(done), 2),
      downtime_ms: done.downtimeMs,
      bytes: done.bytesCopied,
      export_s: round(phaseSeconds(done, 'export')),
      import_s: round(phaseSeconds(done, 'import')),
      copy_mib_per_s: round(done.bytesCopied / 2 ** 20 / copyS, 1),
    });
    log(`cold move ${run + 1}: ${JSON.stringify(runs.at(-1))}`);
    at = to;
  }
  await bench.plane.call('POST', '/v1/services/vault/stop');
  return runs;
}

function qemuSkipReason(): string | undefined {
  if (QEMU_RUNS <= 0) return 'BENCH_MIGRATION_QEMU_RUNS=0';
  if (spawnSync('qemu-system-x86_64', ['--version']).error)
    return 'qemu-system-x86_64 is not installed';
  return undefined;
}

async function liveMoves(bench: Bench, hosts: [string, string]) {
  const skip = qemuSkipReason();
  if (skip) {
    log(`qemu live moves skipped: ${skip}`);
    return {
      qemu_live_downtime_ms: null,
      qemu_live_downtime_max_ms: null,
      qemu_live_move_s: null,
      qemu_accelerator: null,
      qemu_live_skipped: skip,
    };
  }
  const [vm] = await bench.deploy('vms', vmYaml, 1);
  const downtimes: number[] = [];
  const moves: number[] = [];
  let at = vm.host;
  for (let run = 0; run < QEMU_RUNS; run++) {
    const to = at === hosts[0] ? hosts[1] : hosts[0];
    const done = await bench.migrate(vm.id, { to, mode: 'live' });
    if (done.phases[1]?.name !== 'live-transfer') throw new Error(`${done.id} was not live`);
    downtimes.push(done.downtimeMs);
    moves.push(phaseSeconds(done));
    log(`live move ${run + 1}: downtime ${done.downtimeMs} ms, move ${phaseSeconds(done)} s`);
    at = to;
  }
  await bench.plane.call('POST', '/v1/services/vms/stop');
  return {
    qemu_live_downtime_ms: median(downtimes),
    qemu_live_downtime_max_ms: Math.max(...downtimes),
    qemu_live_downtime_each_ms: downtimes,
    qemu_live_move_s: round(median(moves)!, 2),
    qemu_live_memory_mib: 128,
    qemu_accelerator: acceleratorOf(bench.fleet, at, vm.id),
  };
}

/** The accelerator the VM runs with on `host`, from its agent's instance table (the QEMU handle). */
function acceleratorOf(fleet: Fleet, host: string, instance: string): string {
  const table = JSON.parse(
    readFileSync(join(fleet.agents.get(host)!.dataDir, 'instances.json'), 'utf8'),
  ) as { instances: { spec: { instance: string }; handle?: { accelerator?: string } }[] };
  const row = table.instances.find((r) => r.spec.instance === instance);
  return row?.handle?.accelerator ?? 'unknown';
}

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const layers = qemuSkipReason() ? (['process'] as const) : (['process', 'qemu'] as const);
  const plane = await startControlPlane('migration_bench');
  let fleet: Fleet | undefined;
  let migration: INestMicroservice | undefined;
  let nc: NatsConnection | undefined;
  try {
    // The drained host comes alone first, so that every bulk instance lands on it.
    fleet = await Fleet.start(plane, ['b1'], {
      heartbeatMs: 500,
      downAfterMs: 30_000,
      layers: [...layers],
    });
    migration = await startMigrationService({
      ...process.env,
      ...planeEnv(plane),
      FEDERA_DRAIN_MAX_PARALLEL: String(DRAIN_PARALLEL),
    });
    const bench = new Bench(plane, fleet);
    const bulk = await bench.deploy('bulk', bulkYaml(DRAIN_INSTANCES), DRAIN_INSTANCES);
    await fleet.startHost('b2');
    await fleet.startHost('b3');
    const drain = await drainHost(bench, 'b1', bulk);
    log(`drain: ${JSON.stringify(drain)}`);
    await plane.call('POST', '/v1/services/bulk/stop');

    nc = await connectNats(plane.settings.natsUrl, 'migration-bench');
    const bucket = new Subjects(plane.prefix).dataBucketOf('b2');
    const raw: RawCopy[] = [await rawObjectStoreCopy(nc, bucket, DATA_MIB * VALUE_BYTES)];
    log(`raw put+get: ${JSON.stringify(raw[0])}`);
    const cold = await coldMoves(bench, ['b2', 'b3']);
    raw.push(await rawObjectStoreCopy(nc, bucket, cold[0].bytes));
    log(`raw put+get: ${JSON.stringify(raw[1])}`);
    const live = await liveMoves(bench, ['b2', 'b3']);

    // Against the faster raw run: the ratio is never flattered by a slow baseline.
    const rawMiBs = Math.max(...raw.map((r) => r.mib_per_s));
    const copyMiBs = round(median(cold.map((c) => c.copy_mib_per_s))!, 1);
    const copyRatio = round(copyMiBs / rawMiBs, 2);
    const result = {
      bench: 'migration',
      load_avg_at_start: loadAtStart,
      data_mib: DATA_MIB,
      cold_runs: cold.length,
      cold_move_s: round(median(cold.map((c) => c.move_s))!, 2),
      cold_downtime_ms: Math.round(median(cold.map((c) => c.downtime_ms))!),
      cold_bytes: cold[0].bytes,
      cold_export_s: round(median(cold.map((c) => c.export_s))!),
      cold_import_s: round(median(cold.map((c) => c.import_s))!),
      copy_mib_per_s: copyMiBs,
      raw_put_get_mib_per_s: rawMiBs,
      raw_runs: raw,
      copy_ratio: copyRatio,
      copy_ratio_target: COPY_RATIO_TARGET,
      copy_ratio_met: copyRatio >= COPY_RATIO_TARGET,
      ...live,
      qemu_live_downtime_target_ms: QEMU_DOWNTIME_TARGET_MS,
      qemu_live_downtime_met:
        live.qemu_live_downtime_max_ms === null
          ? null
          : live.qemu_live_downtime_max_ms <= QEMU_DOWNTIME_TARGET_MS,
      ...drain,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await nc?.close();
    await migration?.close();
    await fleet?.close();
    await plane.close();
  }
}

runBench(main);
