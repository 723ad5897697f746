// Discovery benchmark: how long a put to the discovery bucket takes to reach the workloads. N real
// agents (in this process, each with its own NATS connection, watcher and discovery server) each
// serve one long-poll reader, as a workload would poll FEDERA_DISCOVERY_URL; every round puts a
// newer ServiceEndpoints under one service and times each reader's answer from the put
// (`discovery_propagation_ms`, target p99 <= 1,000). The baseline, in the same run and the same
// process: N bare JetStream key-value watchers on their own connections, timed from the same puts.
// The last line is one JSON object.
import { readFileSync, rmSync } from 'node:fs';
import { Subjects, type ServiceEndpoints } from '@federa/contracts';
import { connectNats, openKeyValueBucket } from '@federa/messaging';
import { uniquePrefix } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { pino } from 'pino';
import { Agent } from '../services/agent/src';
import { answerRegistrations, hostConfig, tempDir } from '../test/agent-harness';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const agentCount = Number(process.env.DISCOVERY_AGENTS ?? 10);
const rounds = Number(process.env.DISCOVERY_ROUNDS ?? 200);
/** Pause between puts: a move or scale-out is a rare event, not a stream. */
const gapMs = Number(process.env.DISCOVERY_GAP_MS ?? 20);
const service = 'bench';
const targetP99Ms = 1_000;

/** Every reader's arrival time per version. */
type Arrivals = Map<number, number[]>;

function record(arrivals: Arrivals, version: number, at: number): void {
  const list = arrivals.get(version) ?? [];
  list.push(at);
  arrivals.set(version, list);
}

function endpointsOf(version: number): ServiceEndpoints {
  return {
    service,
    version,
    updatedAt: Date.now(),
    applications: [
      {
        name: 'web',
        instances: [
          {
            instance: `web-${version}`,
            host: 'h1',
            address: '10.0.0.1',
            port: 4000 + (version % 1000),
          },
        ],
      },
    ],
  };
}

/** A workload's loop: long-poll the agent's URL for the version after the last one seen. */
async function longPollReader(url: string, arrivals: Arrivals, stop: AbortSignal): Promise<void> {
  let after = 0;
  while (!stop.aborted) {
    try {
      const answer = await fetch(`${url}?after=${after}&timeoutMs=10000`, { signal: stop });
      const body = (await answer.json()) as ServiceEndpoints;
      const at = Date.now();
      if (body.version > after) {
        after = body.version;
        record(arrivals, body.version, at);
      }
    } catch {
      if (!stop.aborted) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function rawWatcher(
  nc: NatsConnection,
  bucket: string,
  key: string,
  arrivals: Arrivals,
): Promise<() => void> {
  const kv = await openKeyValueBucket(nc, bucket);
  const watch = await kv.watch({ key });
  void (async () => {
    for await (const entry of watch) {
      if (entry.operation !== 'PUT') continue;
      const at = Date.now();
      const { version } = JSON.parse(new TextDecoder().decode(entry.value)) as ServiceEndpoints;
      record(arrivals, version, at);
    }
  })();
  return () => watch.stop();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const prefix = uniquePrefix('discobench');
  const subjects = new Subjects(prefix);
  const control = await connectNats(natsUrl, 'discovery-bench');
  answerRegistrations(control, subjects);
  const kv = await openKeyValueBucket(control, subjects.discoveryBucket);
  const silent = pino({ level: 'silent' });
  const agents: Agent[] = [];
  const dirs: string[] = [];
  const baselineConnections: NatsConnection[] = [];
  const stopBaseline: Array<() => void> = [];
  const stopReaders = new AbortController();
  const viaAgents: Arrivals = new Map();
  const viaRawWatch: Arrivals = new Map();
  const putAt = new Map<number, number>();
  try {
    for (let i = 0; i < agentCount; i++) {
      const dir = tempDir(`discobench-${i}`);
      dirs.push(dir);
      const agent = await Agent.start({
        config: hostConfig(`disco-bench-${i}`),
        dataDir: dir,
        natsUrl,
        subjectPrefix: prefix,
        heartbeatMs: 1000,
        logger: silent,
      });
      agents.push(agent);
      await agent.whenWatchingEndpoints();
      void longPollReader(agent.discoveryUrlOf(service), viaAgents, stopReaders.signal);
      const nc = await connectNats(natsUrl, `discovery-bench-raw-${i}`);
      baselineConnections.push(nc);
      // Each host has its own key, as supervision writes them: the bare watcher reads the same one.
      const key = subjects.discoveryKey(`disco-bench-${i}`, service);
      stopBaseline.push(await rawWatcher(nc, subjects.discoveryBucket, key, viaRawWatch));
    }
    // Version 1 warms every path (first fetch, first watch delivery) and is not counted.
    for (let version = 1; version <= rounds + 1; version++) {
      putAt.set(version, Date.now());
      const value = JSON.stringify(endpointsOf(version));
      for (let i = 0; i < agentCount; i++)
        await kv.put(subjects.discoveryKey(`disco-bench-${i}`, service), value);
      const deadline = Date.now() + 30_000;
      while (
        ((viaAgents.get(version)?.length ?? 0) < agentCount ||
          (viaRawWatch.get(version)?.length ?? 0) < agentCount) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    const latencies = (arrivals: Arrivals) => {
      const all: number[] = [];
      let missed = 0;
      for (let version = 2; version <= rounds + 1; version++) {
        const seen = arrivals.get(version) ?? [];
        missed += agentCount - seen.length;
        for (const at of seen) all.push(at - putAt.get(version)!);
      }
      return { sorted: all.sort((a, b) => a - b), missed };
    };
    const agentsSeen = latencies(viaAgents);
    const rawSeen = latencies(viaRawWatch);
    const p = (sorted: number[], q: number) => percentile(sorted, q);
    const p99 = p(agentsSeen.sorted, 99);
    const baselineP99 = p(rawSeen.sorted, 99);
    const result = {
      bench: 'discovery',
      agents: agentCount,
      rounds,
      discovery_propagation_ms_p50: p(agentsSeen.sorted, 50),
      discovery_propagation_ms_p99: p99,
      discovery_propagation_ms_max: agentsSeen.sorted[agentsSeen.sorted.length - 1],
      missed_by_readers: agentsSeen.missed,
      baseline_raw_kv_watch_ms_p50: p(rawSeen.sorted, 50),
      baseline_raw_kv_watch_ms_p99: baselineP99,
      baseline_missed: rawSeen.missed,
      p99_over_baseline_p99: baselineP99 > 0 ? Number((p99 / baselineP99).toFixed(2)) : null,
      target_p99_ms: targetP99Ms,
      target_met: p99 <= targetP99Ms && agentsSeen.missed === 0,
      load_avg_at_start: loadAtStart,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    stopReaders.abort();
    for (const stop of stopBaseline) stop();
    for (const agent of agents) await agent.stop();
    for (const nc of baselineConnections) await nc.close();
    await kv.destroy().catch(() => undefined);
    await control.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
