// Soak: `npm run soak -- --minutes N [--hosts 1000] [--services 200] [--agents 4] [--interval-ms 2000]
// [--workers 2] [--keep]`. Starts a plane of its own (a fresh database federa_soak_<random> on
// FEDERA_DATABASE_URL's server, a unique subject prefix on FEDERA_NATS_URL, every service a process
// of its own from dist/, N simulated hosts in one `federa agent --simulate` process with leases on
// /dev/shm, real process-layer agents), applies and deploys the services, churns them for N minutes
// through the REST API (changed-spec deploys, scaling, migrations, drains and uncordons, stops and
// starts, simulated hosts killed and revived, real workloads killed -9), sampling every 10 s each
// process's RSS, descriptors and connections, Postgres sessions and the event log. Then it stops the
// churn, quiesces (bounded) and checks that no acknowledged command is lost, nothing runs twice and
// no host is over-committed. Prints a summary; the last line is one JSON object. Everything it
// started is stopped and removed at the end, on SIGINT/SIGTERM and on an error (--keep keeps the
// database and work directory). Needs `npm run build` (the services run from dist/).
import { readFileSync } from 'node:fs';
import { connect } from 'nats';
import { Client } from 'pg';
import { testServerUrl } from '@federa/testing';
import { runBench } from './run-bench';
import {
  lostCommands,
  overCommittedHosts,
  placementLatency,
  quiesce,
  runningTwice,
} from './soak/soak-checks';
import { Churn } from './soak/soak-churn';
import {
  growth,
  maxKnown,
  percentile,
  round,
  sampleAtOrAfter,
  warmUpMs,
} from './soak/soak-figures';
import { SoakLedger } from './soak/soak-ledger';
import { parseSoakOptions } from './soak/soak-options';
import { realHostOf, SoakPlane } from './soak/soak-plane';
import { SoakSampler, type SoakSample } from './soak/soak-sampler';
import { soakService, specOf, type SoakService } from './soak/soak-specs';
import { summaryLines } from './soak/soak-summary';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const heartbeatMs = 1000;
const sampleEveryMs = 10_000;
/** Tries of each setup command: a gateway shedding load (503) on a busy machine is waited out. */
const setupTries = 60;
const say = (line: string) => process.stderr.write(`soak: ${line}\n`);

/** The Postgres server of FEDERA_DATABASE_URL (its `postgres` database), else the tests' server. */
function serverUrl(): string {
  const configured = process.env.FEDERA_DATABASE_URL;
  if (!configured) return testServerUrl();
  const url = new URL(configured);
  url.pathname = '/postgres';
  return url.toString();
}

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(3));
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const plane = new SoakPlane({
    natsUrl,
    serverUrl: serverUrl(),
    hosts: options.hosts,
    agents: options.agents,
    heartbeatMs,
  });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping everything the soak started`);
    void plane.close(options.keep).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let db: Client | undefined;
  let nc: Awaited<ReturnType<typeof connect>> | undefined;
  let sampler: SoakSampler | undefined;
  try {
    const api = await plane.start();
    db = new Client({ connectionString: plane.databaseUrl, application_name: 'soak-sampler' });
    await db.connect();
    nc = await connect({ servers: natsUrl, name: `soak-${plane.prefix}` });
    const nats = new URL(natsUrl.replace(/^nats:/, 'http:'));
    const postgres = new URL(plane.databaseUrl);
    sampler = new SoakSampler(
      db,
      () => plane.processes.map((p) => ({ name: p.name, pid: p.pid, alive: p.alive })),
      { nats: Number(nats.port || 4222), postgres: Number(postgres.port || 5432) },
      process.env.FEDERA_SOAK_NATS_MONITOR_URL ?? `http://${nats.hostname}:8222`,
    );
    const first = await sampler.sampleNow();
    sampler.start(sampleEveryMs);

    const expectedHosts = options.hosts + options.agents;
    const hostsAt = Date.now();
    await until(
      async () => (await api.all<{ id: string }>('/v1/hosts?state=ready')).length >= expectedHosts,
      300_000,
      2000,
      () => `${expectedHosts} hosts ready`,
    );
    say(`${expectedHosts} hosts ready in ${round((Date.now() - hostsAt) / 1000)} s`);

    const ledger = new SoakLedger((method, path, body) => api.call(method, path, body));
    const services: SoakService[] = Array.from({ length: options.services }, (_, i) =>
      soakService(i + 1, options.agents > 0),
    );
    const deployAt = Date.now();
    await inParallel(services, 4, async (service) => {
      if (
        !(await ledger.send(
          'apply',
          service.name,
          'PUT',
          `/v1/services/${service.name}`,
          specOf(service),
          setupTries,
        ))
      )
        throw new Error(`${service.name}: the apply was refused (${ledger.lastFailure})`);
      if (
        !(await ledger.send(
          'deploy',
          service.name,
          'POST',
          `/v1/services/${service.name}/deploy`,
          undefined,
          setupTries,
        ))
      )
        throw new Error(`${service.name}: the deploy was refused (${ledger.lastFailure})`);
    });
    const deployed = await quiesce(api, services, 900_000);
    say(
      `${services.length} services deployed; ${services.length - deployed.unsettled.length} available after ${deployed.seconds} s`,
    );
    const setupPlacement = await placementLatency(db, deployAt, Date.now());

    // The churn.
    const churnMs = options.minutes * 60_000;
    const warmUp = warmUpMs(churnMs);
    const churnStart = Date.now();
    const callsBefore = api.calls.length;
    const acknowledgedBefore = ledger.acknowledged;
    const churn = new Churn(
      {
        api,
        ledger,
        nc,
        prefix: plane.prefix,
        realHosts: Array.from({ length: options.agents }, (_, i) => realHostOf(i + 1)),
        workloadPids: (host) => plane.workloadPids(host),
      },
      services,
      options.intervalMs,
    );
    say(`churning for ${options.minutes} min (warm-up ${round(warmUp / 60_000, 2)} min)`);
    churn.start(options.workers);
    const progress = setInterval(() => {
      const last = sampler?.samples.at(-1);
      say(
        `${round((Date.now() - churnStart) / 60_000, 1)} min: ${ledger.acknowledged - acknowledgedBefore} commands acknowledged, ` +
          `log ${last?.eventRows ?? '?'} events, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
      );
    }, 60_000);
    await sleepUnless(churnMs, () => interrupted);
    clearInterval(progress);
    const churnCalls = api.calls.slice(callsBefore);
    const churnAcknowledged = ledger.acknowledged - acknowledgedBefore;
    const endOfChurn = await sampler.sampleNow();
    const churnEnd = Date.now();
    say('churn over: undoing what is left to undo (revives, uncordons, starts)');
    await churn.stop();
    const quiesceLimitMs = Math.min(600_000, Math.max(120_000, churnMs * 0.2));
    const settled = await quiesce(api, services, quiesceLimitMs);
    say(`quiesced in ${settled.seconds} s; ${settled.unsettled.length} services unsettled`);

    const lost = await lostCommands(db, ledger);
    const twice = await runningTwice(nc, plane.prefix, heartbeatMs * 3 + 1000);
    const over = await overCommittedHosts(api);
    const churnPlacement = await placementLatency(db, churnStart, churnEnd);
    await sampler.stop();

    const samples = sampler.samples;
    // A run no longer than its warm-up has no window to grow in: its growth figures are null.
    const afterWarmUp = sampleAtOrAfter(samples, churnStart + warmUp) as SoakSample;
    const grew = afterWarmUp !== endOfChurn;
    const atChurnStart = sampleAtOrAfter(samples, churnStart) as SoakSample;
    const perProcess = Object.keys(first.processes).map((name) => {
      const reading = (s: SoakSample | undefined) => s?.processes[name];
      return {
        name,
        rss_mb_start: mb(reading(first)?.rssBytes),
        rss_mb_after_warm_up: mb(reading(afterWarmUp)?.rssBytes),
        rss_mb_end: mb(reading(endOfChurn)?.rssBytes),
        rss_growth: grew
          ? growth(reading(afterWarmUp)?.rssBytes, reading(endOfChurn)?.rssBytes)
          : null,
        fds_start: reading(first)?.fds ?? null,
        fds_after_warm_up: reading(afterWarmUp)?.fds ?? null,
        fds_end: reading(endOfChurn)?.fds ?? null,
        fd_growth: grew ? growth(reading(afterWarmUp)?.fds, reading(endOfChurn)?.fds) : null,
        nats_connections: [reading(afterWarmUp), reading(endOfChurn)].map(
          (r) => r?.connectionsByPort[Number(nats.port || 4222)] ?? null,
        ),
        postgres_connections: [reading(afterWarmUp), reading(endOfChurn)].map(
          (r) => r?.connectionsByPort[Number(postgres.port || 5432)] ?? null,
        ),
      };
    });
    const sessions = (s: SoakSample) =>
      Object.values(s.postgresSessions).reduce((a, b) => a + b, 0);
    const churnMinutes = (churnEnd - churnStart) / 60_000;
    const latencies = churnCalls.map((c) => c.ms);
    const result = {
      bench: 'soak',
      minutes: options.minutes,
      churn_minutes: round(churnMinutes, 2),
      warm_up_minutes: round(warmUp / 60_000, 2),
      interrupted,
      sim_hosts: options.hosts,
      real_agents: options.agents,
      services: options.services,
      churn_workers: options.workers,
      churn_interval_ms: options.intervalMs,
      load_avg_at_start: loadAtStart,
      lost_commands: lost.length,
      running_twice: twice.real.length + twice.simulated.length,
      over_committed_hosts: over.hosts.length,
      rss_growth_max: maxKnown(perProcess.map((p) => p.rss_growth)),
      fd_growth_max: maxKnown(perProcess.map((p) => p.fd_growth)),
      api_p99_ms: roundOrNull(percentile(latencies, 99)),
      api_p50_ms: roundOrNull(percentile(latencies, 50)),
      api_calls: latencies.length,
      api_errors: churnCalls.filter((c) => c.status === 0 || c.status >= 500).length,
      api_statuses: countBy(
        churnCalls.map((c) => (c.status === 0 ? 'no answer' : String(c.status))),
      ),
      placement_p99_ms: churnPlacement.p99Ms,
      placement_p50_ms: churnPlacement.p50Ms,
      placement_instances: churnPlacement.count,
      placement_unplaced: churnPlacement.unplaced,
      placement_source:
        'log: first InstanceRequested → first InstancePlaced of each instance requested during the churn (recorded_at)',
      setup_placement_p99_ms: setupPlacement.p99Ms,
      throughput: {
        commands_acknowledged_per_min: round(churnAcknowledged / churnMinutes, 1),
        commands_acknowledged: churnAcknowledged,
        events_per_s: round(
          (endOfChurn.eventRows - atChurnStart.eventRows) / ((churnEnd - churnStart) / 1000),
          1,
        ),
        actions: Object.fromEntries(churn.done),
      },
      event_log_growth: {
        rows_at_churn_start: atChurnStart.eventRows,
        rows_at_end: endOfChurn.eventRows,
        rows_per_min_after_warm_up: perMinute(afterWarmUp, endOfChurn, (s) => s.eventRows),
        mb_at_churn_start: mb(atChurnStart.eventBytes),
        mb_at_end: mb(endOfChurn.eventBytes),
        mb_per_min_after_warm_up: perMinute(
          afterWarmUp,
          endOfChurn,
          (s) => s.eventBytes / 1024 ** 2,
        ),
      },
      postgres_sessions: {
        after_warm_up: sessions(afterWarmUp),
        end: sessions(endOfChurn),
        by_process_end: endOfChurn.postgresSessions,
      },
      nats_server_connections: endOfChurn.natsServerConnections,
      ...(endOfChurn.natsServerConnections === null
        ? { nats_server_connections_reason: sampler.natsMonitorProblem }
        : {}),
      quiesce_s: settled.seconds,
      unsettled_services: settled.unsettled.length,
      refused_commands: Object.fromEntries(ledger.refused),
      unanswered_commands: ledger.unanswered,
      churn_failures: Object.fromEntries(churn.failed),
      unexpected_exits: plane.unexpectedExits,
      baseline: null,
      baseline_reason:
        'the soak measures stability over time (growth after warm-up, lost or doubled work, over-commitment), not a speed a raw Postgres or NATS path could do in its place: no ratio against a same-run baseline is meaningful; its growth figures are ratios against its own after-warm-up state',
      processes: perProcess,
      details: {
        lost: lost.slice(0, 20),
        running_twice_real: twice.real.slice(0, 20),
        running_twice_simulated: twice.simulated.slice(0, 20),
        over_committed: over.hosts.slice(0, 20),
        hosts_checked: over.checked,
        unsettled: settled.unsettled.slice(0, 20),
      },
    };
    for (const line of summaryLines(result)) process.stdout.write(`${line}\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await sampler?.stop().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await plane.close(options.keep);
  }
}

function mb(bytes: number | null | undefined): number | null {
  return bytes === null || bytes === undefined ? null : round(bytes / 1024 ** 2, 1);
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}

function perMinute(
  from: SoakSample,
  to: SoakSample,
  value: (s: SoakSample) => number,
): number | null {
  const minutes = (to.atMs - from.atMs) / 60_000;
  return minutes > 0 ? round((value(to) - value(from)) / minutes, 2) : null;
}

/** Runs `work` over `items`, `concurrency` at a time; the first failure fails the whole. */
async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs / 1000} s: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function sleepUnless(ms: number, stop: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !stop())
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, end - Date.now())));
}

runBench(main);
