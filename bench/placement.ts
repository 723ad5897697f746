// Placement benchmark: 5,000 hosts, 50,000 instances from 1,000 services with anti-affinity and spread
// rules. Measures the pure decision rate with and without rules (same requests, same cluster), the
// decision p99, and placements committed to the Postgres log by PlacementEngine (rounds of requests,
// each committed by one appendMany: host ledgers at their expected versions + InstancePlaced or
// PlacementFailed per instance) against a raw multi-row INSERT of the very same rows as the baseline,
// and the store's validation cost per event (class-validator against the compiled checks).
// Prints one JSON line last. Needs the local Postgres (FEDERA_TEST_DATABASE_URL or 127.0.0.1:5432).
import { newEvent, streamIds } from '@federa/contracts';
import {
  compiledContractsEventValidator,
  contractsEventValidator,
  migrateEventStore,
  PostgresEventStore,
  type AppendManyResult,
  type EventValidator,
  type ExpectedVersion,
  type PreparedAppendMany,
  type StreamAppend,
} from '@federa/eventstore';
import { freshDatabase } from '@federa/testing';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Pool } from 'pg';
import {
  ClusterState,
  PlacementEngine,
  PlacementStack,
  resourceKinds,
  type HostAttributes,
  type PlacementRequest,
} from '../services/placement/src';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 5000);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const PER_SERVICE = Number(process.env.BENCH_INSTANCES_PER_SERVICE ?? 50);
const COMMIT_INSTANCES = Number(process.env.BENCH_COMMIT_INSTANCES ?? 50_000);
const COMMIT_BATCH = Number(process.env.BENCH_COMMIT_BATCH ?? 1000);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 8);
/** BENCH_OVERLAP=0: commit each round before deciding the next (the engine's overlapRounds, on by default). */
const OVERLAP = process.env.BENCH_OVERLAP !== '0';
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

/** Rows placement appended, as the raw baseline re-inserts them. */
interface LoggedRow {
  stream_id: string;
  stream_category: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
}

/**
 * The baseline: the very rows the engine appended (same streams, versions, JSON), re-inserted into a
 * copy of the events table with the same indexes, by one multi-row INSERT ... SELECT FROM
 * jsonb_to_recordset per round of the same size (the fastest of the forms tried: unnest of eight
 * parameter arrays took about twice as long) — the SQL floor of any append, without reading versions, checking or
 * deciding anything.
 */
async function rawMultiRowInsertsPerSecond(
  pool: Pool,
  rows: LoggedRow[],
  rowsPerStatement: number,
): Promise<number> {
  await pool.query(
    'CREATE TABLE eventlog.bench_raw (LIKE eventlog.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
  );
  // The copy holds what the log held before placement appended (the hosts, the requests), so that its
  // indexes are as deep as the ones the commit inserted into; then both start from a checkpoint.
  await pool.query(
    `INSERT INTO eventlog.bench_raw SELECT * FROM eventlog.events
     WHERE type NOT IN ('HostAllocationChanged', 'InstancePlaced', 'PlacementFailed')`,
  );
  await pool.query('CHECKPOINT');
  // The statements' JSON documents are printed and encoded (as the store sends them: UTF-8 bytes)
  // before the clock starts: only the database is timed.
  const documents: Buffer[] = [];
  for (let i = 0; i < rows.length; i += rowsPerStatement) {
    const slice = rows.slice(i, i + rowsPerStatement);
    const printed = slice.map(
      (r) =>
        `{"s":${JSON.stringify(r.stream_id)},"c":"${r.stream_category}","n":${r.stream_version},` +
        `"i":"${r.event_id}","t":"${r.type}","v":${r.schema_version},"d":${r.data},"m":${r.metadata}}`,
    );
    documents.push(Buffer.from(`[${printed.join(',')}]`));
  }
  const started = process.hrtime.bigint();
  for (const document of documents) {
    await pool.query({
      name: 'bench.rawInsert',
      text: `INSERT INTO eventlog.bench_raw
        (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
        SELECT s, c, n, i, t, v, d, m
        FROM jsonb_to_recordset($1::text::jsonb) AS b(s text, c text, n bigint, i uuid, t text, v int, d jsonb, m jsonb)`,
      values: [document],
    });
  }
  return rows.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Microseconds per event of one validator over the given events (several passes, the best kept). */
function validationMicros(
  validate: EventValidator,
  events: { type: string; data: unknown }[],
): number {
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const started = process.hrtime.bigint();
    for (const event of events) {
      if (!validate(event).ok) throw new Error(`bench event refused: ${event.type}`);
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e3 / events.length);
  }
  return best;
}

async function registerBenchHosts(store: PostgresEventStore): Promise<void> {
  const metadata = {
    correlationId: randomUUID(),
    actor: 'bench',
    occurredAt: new Date().toISOString(),
  };
  for (let i = 0; i < HOSTS; i += 500) {
    await store.appendMany(
      Array.from({ length: Math.min(500, HOSTS - i) }, (_, k) => {
        const h = hostAt(i + k);
        return {
          streamId: streamIds.host(h.id),
          expected: 'no-stream' as const,
          events: [
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
          ],
        };
      }),
    );
  }
}

/** InstanceRequested for every request, as supervision appends them: placement places pending instances only. */
async function requestBenchInstances(
  store: PostgresEventStore,
  requests: readonly PlacementRequest[],
): Promise<void> {
  const metadata = {
    correlationId: randomUUID(),
    actor: 'bench',
    occurredAt: new Date().toISOString(),
  };
  for (let i = 0; i < requests.length; i += 1000) {
    await store.appendMany(
      requests.slice(i, i + 1000).map((r) => ({
        streamId: streamIds.instance(r.instance),
        expected: 'no-stream' as const,
        events: [
          newEvent(
            'InstanceRequested',
            {
              service: r.service,
              app: r.app,
              instance: r.instance,
              layer: 'process' as const,
              resources: {
                cpuMillis: r.resources.cpu,
                memoryBytes: r.resources.memory,
                storageBytes: r.resources.storage,
                bandwidthBps: r.resources.bandwidth,
              },
              revision: 1,
              reason: 'deploy' as const,
            },
            metadata,
          ),
        ],
      })),
    );
  }
}

/** The store, timing its appendMany calls (wall time: the engine waits for them). */
class TimedStore extends PostgresEventStore {
  appendSeconds = 0;
  appendCalls = 0;

  override appendMany(appends: StreamAppend[]): Promise<AppendManyResult> {
    return this.timed(() => super.appendMany(appends));
  }

  /** A round whose statement was printed while the last one committed: timed from when it is sent. */
  override appendManyPrepared(
    prepared: PreparedAppendMany,
    expected: readonly ExpectedVersion[],
  ): Promise<AppendManyResult> {
    return this.timed(() => super.appendManyPrepared(prepared, expected));
  }

  private async timed(append: () => Promise<AppendManyResult>): Promise<AppendManyResult> {
    const started = process.hrtime.bigint();
    try {
      return await append();
    } finally {
      this.appendSeconds += Number(process.hrtime.bigint() - started) / 1e9;
      this.appendCalls++;
    }
  }
}

async function foldWholeLog(store: PostgresEventStore, engine: PlacementEngine): Promise<void> {
  let checkpoint = null;
  for (;;) {
    const page = await store.readAll(checkpoint, 5000);
    if (page.events.length === 0) return;
    await engine.fold(page.events);
    checkpoint = page.checkpoint;
  }
}

async function committed(): Promise<{
  perSecond: number;
  appendMsPerCall: number;
  appendShare: number;
  cpuPerPlacementMs: number;
  placed: number;
  events: number;
  rawRowsPerSecond: number;
  overCommitted: number;
  classValidatorMicros: Record<string, number>;
  compiledMicros: Record<string, number>;
}> {
  const db = await freshDatabase('bench_placement');
  const pool = new Pool({ connectionString: db.url, max: POOL_SIZE });
  try {
    await migrateEventStore(pool);
    const store = new TimedStore(pool, { validate: compiledContractsEventValidator() });
    await registerBenchHosts(store);
    const requests: PlacementRequest[] = [];
    for (let s = 0; requests.length < COMMIT_INSTANCES && s < SERVICES; s++)
      requests.push(...requestsOf(s, true));
    requests.length = Math.min(requests.length, COMMIT_INSTANCES);
    await requestBenchInstances(store, requests);
    const engine = new PlacementEngine(store, undefined, {
      roundSize: COMMIT_BATCH,
      overlapRounds: OVERLAP,
    });
    await foldWholeLog(store, engine);
    store.appendSeconds = 0;
    store.appendCalls = 0;
    // The raw baseline starts from a checkpoint too: neither pays for the other's dirty pages.
    await pool.query('CHECKPOINT');
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    // One call: the engine decides and commits rounds of COMMIT_BATCH requests, one appendMany each.
    const decisions = await engine.place(requests, { correlationId: randomUUID() });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const placed = decisions.filter((d) => d.outcome === 'placed').length;
    const appendSeconds = store.appendSeconds;
    const appendCalls = store.appendCalls;

    const auditor = new PlacementEngine(store);
    await foldWholeLog(store, auditor);
    const overCommitted = auditor.state.hosts.filter((h) =>
      resourceKinds.some((k) => h.allocated[k] > h.capacity[k]),
    ).length;
    const { rows } = await pool.query<LoggedRow>(
      `SELECT stream_id, stream_category, stream_version, event_id, type, schema_version,
              data::text AS data, metadata::text AS metadata
       FROM eventlog.events WHERE type IN ('HostAllocationChanged', 'InstancePlaced', 'PlacementFailed')
       ORDER BY position`,
    );
    const rowsPerRound = Math.round((rows.length / requests.length) * COMMIT_BATCH);
    const rawRowsPerSecond = await rawMultiRowInsertsPerSecond(pool, rows, rowsPerRound);

    const sample = rows.slice(0, 4000).map((r) => ({ type: r.type, data: JSON.parse(r.data) }));
    const byType = (type: string) => sample.filter((e) => e.type === type);
    const fast = compiledContractsEventValidator();
    const classValidatorMicros: Record<string, number> = {};
    const compiledMicros: Record<string, number> = {};
    for (const type of ['InstancePlaced', 'HostAllocationChanged']) {
      classValidatorMicros[type] = validationMicros(contractsEventValidator, byType(type));
      compiledMicros[type] = validationMicros(fast, byType(type));
    }
    return {
      perSecond: requests.length / seconds,
      appendMsPerCall: (appendSeconds * 1000) / appendCalls,
      appendShare: appendSeconds / seconds,
      cpuPerPlacementMs: (cpu.user + cpu.system) / 1e3 / requests.length,
      placed,
      events: rows.length,
      rawRowsPerSecond,
      overCommitted,
      classValidatorMicros,
      compiledMicros,
    };
  } finally {
    await pool.end();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((v) => Math.round(v * 100) / 100);
  decideAll(true); // warm-up: JIT and allocation shapes
  const plain = decideAll(false);
  const ruled = decideAll(true);
  console.error(`pure decisions: ${JSON.stringify({ plain, ruled })}`);
  const commit = await committed();
  console.error(`committed: ${JSON.stringify(commit)}`);
  const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  const eventsPerPlacement = commit.events / COMMIT_INSTANCES;
  const rawPlacementsPerSecond = commit.rawRowsPerSecond / eventsPerPlacement;
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
      committed_round: COMMIT_BATCH,
      overlapped_rounds: OVERLAP,
      node_flags: process.execArgv,
      committed_placed: commit.placed,
      placements_per_s: Math.round(commit.perSecond),
      engine_cpu_ms_per_placement: round(commit.cpuPerPlacementMs, 4),
      append_many_ms_per_round: round(commit.appendMsPerCall, 1),
      append_many_share_of_wall: round(commit.appendShare),
      events_per_placement: round(eventsPerPlacement),
      raw_multi_row_insert_rows_per_s: Math.round(commit.rawRowsPerSecond),
      raw_placements_per_s: Math.round(rawPlacementsPerSecond),
      committed_vs_raw_ratio: round(commit.perSecond / rawPlacementsPerSecond),
      validate_us_class_validator: mapValues(commit.classValidatorMicros, (v) => round(v, 2)),
      validate_us_compiled: mapValues(commit.compiledMicros, (v) => round(v, 2)),
      over_committed_hosts: ruled.overCommitted + commit.overCommitted,
      targets: { anti_affinity_cost_ratio: 1.5, placements_per_s: 10_000 },
      load_avg_at_start: loadAtStart,
      load_avg_1m: Math.round(loadavg()[0] * 100) / 100,
    }),
  );
}

function mapValues(
  record: Record<string, number>,
  f: (v: number) => number,
): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
