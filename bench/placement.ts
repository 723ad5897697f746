// Placement benchmark: 5,000 hosts, 50,000 instances from 1,000 services with anti-affinity and spread
// rules. Measures the pure decision rate with and without rules (same requests, same cluster), the
// decision p99, and placements committed to the Postgres log by PlacementEngine (ledger reservation
// + InstancePlaced per instance) against raw single-row inserts on the same pool as the baseline.
// Prints one JSON line last. Needs the local Postgres (FEDERA_TEST_DATABASE_URL or 127.0.0.1:5432).
import { newEvent, streamIds } from '@federa/contracts';
import { migrateEventStore, PostgresEventStore } from '@federa/eventstore';
import { freshDatabase } from '@federa/testing';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import { ClusterState } from '../services/placement/src/domain/cluster-state';
import type { HostAttributes } from '../services/placement/src/domain/host-entry';
import type { PlacementRequest } from '../services/placement/src/domain/placement-request';
import { PlacementStack } from '../services/placement/src/domain/placement-stack';
import { resourceKinds } from '../services/placement/src/domain/resources';
import { PlacementEngine } from '../services/placement/src/placement-engine';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 5000);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const PER_SERVICE = Number(process.env.BENCH_INSTANCES_PER_SERVICE ?? 50);
const COMMIT_INSTANCES = Number(process.env.BENCH_COMMIT_INSTANCES ?? 20_000);
const COMMIT_BATCH = Number(process.env.BENCH_COMMIT_BATCH ?? 500);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 8);
const GiB = 1024 ** 3;
const sites = ['geneva', 'lausanne', 'zurich', 'basel'];

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostAt(i: number): HostAttributes {
  return {
    id: `mph-${i}`,
    site: sites[i % sites.length],
    securityLevel: 1 + (i % 4),
    layers: i % 10 === 0 ? ['qemu'] : ['process', 'sim'],
    capacity: { cpu: 32_000, memory: 128 * GiB, storage: 2000 * GiB, bandwidth: 10e9 },
    costs: {
      cpuHour: 0.03 + (i % 5) * 0.005,
      memoryGiBHour: 0.004,
      storageGiBMonth: 0.1,
      networkGiB: 0.01,
    },
    features: { ups: i % 3 === 0, raid: i % 2 === 0 },
  };
}

/** Each service: `web` (half, anti-affine among itself, spread over sites) and `worker` (half, never beside a web). */
function requestsOf(service: number, withRules: boolean): PlacementRequest[] {
  const name = `svc-${service}`;
  const web = `${name}/web`;
  return Array.from({ length: PER_SERVICE }, (_, i): PlacementRequest => {
    const app = i % 2 === 0 ? 'web' : 'worker';
    return {
      instance: `${name}-${app}-${i}`,
      service: name,
      app,
      layer: 'process',
      resources: { cpu: 500, memory: GiB, storage: 5 * GiB, bandwidth: 50e6 },
      minSecurityLevel: service % 3,
      ...(app === 'web' ? { emphasis: 'bandwidth' as const } : {}),
      antiAffinity: withRules ? [web] : [],
      spread: withRules && app === 'web' ? [{ over: 'site', apps: [web] }] : [],
      ...(withRules ? { maxCostPerHour: 100 } : {}),
    };
  });
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Places every request of every service, one service per batch, timing each decision. */
function decideAll(withRules: boolean): {
  perSecond: number;
  p50: number;
  p99: number;
  placed: number;
  overCommitted: number;
} {
  const state = new ClusterState();
  for (let i = 0; i < HOSTS; i++) state.registerHost(hostAt(i));
  const stack = new PlacementStack({ random: seeded(42) });
  const durations = new Float64Array(SERVICES * PER_SERVICE);
  let n = 0;
  let placed = 0;
  const cpuBefore = process.cpuUsage();
  for (let s = 0; s < SERVICES; s++) {
    for (const request of requestsOf(s, withRules)) {
      const t0 = process.hrtime.bigint();
      const decision = stack.decide(request, state);
      if (decision.outcome === 'placed') {
        state.allocate(decision.allocation);
        placed++;
      }
      durations[n++] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  // CPU time, not wall time: the machine is shared, and other processes' load is not placement's cost.
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (cpu.user + cpu.system) / 1e6;
  durations.sort();
  const overCommitted = state.hosts.filter((h) =>
    resourceKinds.some((k) => h.allocated[k] > h.capacity[k]),
  ).length;
  return {
    perSecond: n / seconds,
    p50: percentile(durations, 0.5),
    p99: percentile(durations, 0.99),
    placed,
    overCommitted,
  };
}

async function rawInsertsPerSecond(pool: Pool, count: number): Promise<number> {
  await pool.query('CREATE TABLE bench_raw (id bigserial PRIMARY KEY, stream text, data jsonb)');
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: POOL_SIZE }, async () => {
      while (next < count) {
        next++;
        await pool.query('INSERT INTO bench_raw (stream, data) VALUES ($1, $2)', [
          randomUUID(),
          { n: next },
        ]);
      }
    }),
  );
  return count / ((Date.now() - started) / 1000);
}

async function committed(): Promise<{
  perSecond: number;
  placed: number;
  rawInsertsPerSecond: number;
  overCommitted: number;
}> {
  const db = await freshDatabase('bench_placement');
  const pool = new Pool({ connectionString: db.url, max: POOL_SIZE });
  try {
    await migrateEventStore(pool);
    const store = new PostgresEventStore(pool);
    const metadata = {
      correlationId: randomUUID(),
      actor: 'bench',
      occurredAt: new Date().toISOString(),
    };
    for (let i = 0; i < HOSTS; i += 64) {
      await Promise.all(
        Array.from({ length: Math.min(64, HOSTS - i) }, (_, k) => {
          const h = hostAt(i + k);
          return store.append(streamIds.host(h.id), 'no-stream', [
            newEvent(
              'HostRegistered',
              {
                host: h.id,
                site: h.site,
                securityLevel: h.securityLevel,
                layers: h.layers as ('process' | 'sim' | 'qemu')[],
                capacity: {
                  cpuMillis: h.capacity.cpu,
                  memoryBytes: h.capacity.memory,
                  storageBytes: h.capacity.storage,
                  bandwidthBps: h.capacity.bandwidth,
                },
                costs: h.costs,
                features: h.features,
                epoch: 1,
              },
              metadata,
            ),
          ]);
        }),
      );
    }
    const engine = new PlacementEngine(store);
    let checkpoint = null;
    for (;;) {
      const page = await store.readAll(checkpoint, 5000);
      if (page.events.length === 0) break;
      await engine.fold(page.events);
      checkpoint = page.checkpoint;
    }
    const requests: PlacementRequest[] = [];
    for (let s = 0; requests.length < COMMIT_INSTANCES && s < SERVICES; s++)
      requests.push(...requestsOf(s, true));
    requests.length = Math.min(requests.length, COMMIT_INSTANCES);
    const started = Date.now();
    let placed = 0;
    for (let i = 0; i < requests.length; i += COMMIT_BATCH) {
      const decisions = await engine.place(requests.slice(i, i + COMMIT_BATCH), {
        correlationId: randomUUID(),
      });
      placed += decisions.filter((d) => d.outcome === 'placed').length;
    }
    const perSecond = requests.length / ((Date.now() - started) / 1000);
    const auditor = new PlacementEngine(store);
    checkpoint = null;
    for (;;) {
      const page = await store.readAll(checkpoint, 5000);
      if (page.events.length === 0) break;
      await auditor.fold(page.events);
      checkpoint = page.checkpoint;
    }
    const overCommitted = auditor.state.hosts.filter((h) =>
      resourceKinds.some((k) => h.allocated[k] > h.capacity[k]),
    ).length;
    const raw = await rawInsertsPerSecond(pool, 10_000);
    return { perSecond, placed, rawInsertsPerSecond: raw, overCommitted };
  } finally {
    await pool.end();
    await db.drop();
  }
}

async function main(): Promise<void> {
  decideAll(true); // warm-up: JIT and allocation shapes
  const plain = decideAll(false);
  const ruled = decideAll(true);
  console.error(`pure decisions: ${JSON.stringify({ plain, ruled })}`);
  const commit = await committed();
  console.error(`committed: ${JSON.stringify(commit)}`);
  const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  console.log(
    JSON.stringify({
      bench: 'placement',
      hosts: HOSTS,
      services: SERVICES,
      instances: SERVICES * PER_SERVICE,
      decisions_per_cpu_s: Math.round(ruled.perSecond),
      decisions_per_cpu_s_without_rules: Math.round(plain.perSecond),
      decision_p50_ms: round(ruled.p50, 4),
      decision_p99_ms: round(ruled.p99, 4),
      anti_affinity_cost_ratio: round(plain.perSecond / ruled.perSecond),
      placed_with_rules: ruled.placed,
      committed_instances: COMMIT_INSTANCES,
      committed_batch: COMMIT_BATCH,
      placements_per_s: Math.round(commit.perSecond),
      raw_single_row_inserts_per_s: Math.round(commit.rawInsertsPerSecond),
      appends_per_placement: 2,
      committed_vs_raw_insert_ratio: round((commit.perSecond * 2) / commit.rawInsertsPerSecond),
      over_committed_hosts: ruled.overCommitted + commit.overCommitted,
      load_avg_1m: Math.round(loadavg()[0] * 100) / 100,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
