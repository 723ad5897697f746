// Statistics benchmark (`npm run bench:statistics`), two measurements in one run:
//   - ingest: agents' heartbeats of BENCH_STATISTICS_HOSTS hosts × BENCH_STATISTICS_INSTANCES instances
//     at 1 Hz, published on NATS as agents do, taken by one statistics process: its cpu_share (of one
//     core; target < 0.5) and lag_p99_ms (a probe host's heartbeat → its minute row in Postgres).
//   - cost: a 30-day cost per service over BENCH_STATISTICS_SERVICES services, asked of the statistics
//     service as GET /v1/costs asks it, against one raw SQL aggregate of the same rows in the same run:
//     cost_query_ratio = raw time ÷ Federa's time (target ≥ 0.5).
// Each half runs on a database of its own with its own statistics process. The last line is one JSON
// object.
import { Subjects } from '@federa/contracts';
import { migrateEventStore } from '@federa/eventstore';
import { CommandClient, connectNats } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { readFileSync } from 'node:fs';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { killProcess, spawnStatistics, type StatisticsProcess } from '../test/statistics-process';
import { measureCostQuery } from './statistics-cost';
import { measureIngest } from './statistics-ingest';
import { runBench } from './run-bench';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const HOSTS = Number(process.env.BENCH_STATISTICS_HOSTS ?? 10_000);
const INSTANCES = Number(process.env.BENCH_STATISTICS_INSTANCES ?? 10);
const WARMUP_S = Number(process.env.BENCH_STATISTICS_WARMUP_S ?? 15);
const MEASURE_S = Number(process.env.BENCH_STATISTICS_MEASURE_S ?? 30);
const SERVICES = Number(process.env.BENCH_STATISTICS_SERVICES ?? 1_000);
const INSTANCES_PER_SERVICE = Number(process.env.BENCH_STATISTICS_INSTANCES_PER_SERVICE ?? 3);
const QUERY_RUNS = Number(process.env.BENCH_STATISTICS_QUERY_RUNS ?? 5);
const CPU_SHARE_TARGET = 0.5;
const COST_RATIO_TARGET = 0.5;

/** A database with the event log, and a statistics process of its own on a unique subject prefix. */
class Stage {
  db!: FreshDatabase;
  pool!: Pool;
  statistics!: StatisticsProcess;
  readonly subjects = new Subjects(uniquePrefix('benchstat'));

  async open(label: string): Promise<void> {
    this.db = await freshDatabase(label);
    this.pool = new Pool({ connectionString: this.db.url, max: 4 });
    await migrateEventStore(this.pool);
    this.statistics = spawnStatistics({
      FEDERA_DATABASE_URL: this.db.url,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: this.subjects.prefix,
      FEDERA_LOG_LEVEL: 'warn',
    });
  }

  async close(): Promise<void> {
    if (this.statistics) await killProcess(this.statistics.child, 'SIGTERM');
    await this.pool?.end();
    await this.db?.drop();
  }
}

/** Heartbeats from a host of its own until statistics has written one: it takes heartbeats now. */
async function takingHeartbeats(stage: Stage, nc: NatsConnection): Promise<void> {
  const host = 'bench-ready';
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    nc.publish(
      stage.subjects.agentHeartbeat(host),
      JSON.stringify({
        host,
        epoch: 1,
        seq,
        sentAt: Date.now(),
        intervalMs: 1000,
        instances: [
          {
            instance: 'bench-ready-0',
            usage: { cpuMillis: 1, memoryBytes: 1, storageBytes: 1, networkBytes: 1 },
          },
        ],
      }),
    );
  }, 1000);
  try {
    await eventually(async () => {
      const { rows } = await stage.pool
        .query(`SELECT 1 FROM statistics.usage_minutes WHERE instance = 'bench-ready-0' LIMIT 1`)
        .catch(() => ({ rows: [] }));
      return rows.length > 0;
    }, 180_000);
  } finally {
    clearInterval(timer);
  }
}

async function ingest(nc: NatsConnection) {
  const stage = new Stage();
  try {
    await stage.open('benchstatingest');
    await takingHeartbeats(stage, nc);
    return await measureIngest({
      nc,
      pool: stage.pool,
      subjects: stage.subjects,
      pid: stage.statistics.child.pid!,
      hosts: HOSTS,
      instancesPerHost: INSTANCES,
      warmupS: WARMUP_S,
      measureS: MEASURE_S,
    });
  } finally {
    await stage.close();
  }
}

async function cost(nc: NatsConnection) {
  const stage = new Stage();
  try {
    await stage.open('benchstatcost');
    // The service answers once its tables exist; the query of the benchmark must not find none.
    const commands = new CommandClient(nc, stage.subjects, 30_000);
    await eventually(
      () =>
        commands
          .sendCommand('getCosts', { groupBy: 'service' })
          .then(() => true)
          .catch(() => false),
      180_000,
    );
    return await measureCostQuery({
      pool: stage.pool,
      commands,
      services: SERVICES,
      instancesPerService: INSTANCES_PER_SERVICE,
      instancesPerHost: 10,
      runs: QUERY_RUNS,
    });
  } finally {
    await stage.close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const nc = await connectNats(natsUrl, 'bench-statistics');
  try {
    const ingested = await ingest(nc);
    console.error(`ingest: ${JSON.stringify(ingested)}`);
    const costed = await cost(nc);
    console.error(`cost: ${JSON.stringify(costed)}`);
    const result = {
      benchmark: 'statistics',
      hosts: HOSTS,
      instances_per_host: INSTANCES,
      ...ingested,
      cpu_share_target: CPU_SHARE_TARGET,
      cpu_share_met: ingested.cpu_share < CPU_SHARE_TARGET,
      ...costed,
      cost_query_ratio_target: COST_RATIO_TARGET,
      cost_query_ratio_met: costed.cost_query_ratio >= COST_RATIO_TARGET,
      load_at_start: loadAtStart,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await nc.close();
  }
}

runBench(main);
