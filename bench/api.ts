// API read benchmark: the highest rate of `GET /v1/hosts?limit=100` (1,000 simulated hosts
// registered through the real path, `federa agent --simulate`) and `GET /v1/instances?limit=100`
// (instances placed and run by the real control plane on those hosts) that the gateway serves with
// p99 ≤ 100 ms, against the same rows served in the same run by a bare Node HTTP handler straight
// from Postgres (bench/api-baseline.ts). Then `shed_p99_ms`: the p99 of every answer (200 and 503)
// at twice the gateway's highest rate, where it must shed rather than queue. Every service, the
// baseline and the open-loop load generator (bench/api-load.ts) run in processes of their own.
// Last line: one JSON object. Knobs: BENCH_API_HOSTS, BENCH_API_STEP_MS, BENCH_API_INSTANCES,
// BENCH_HEARTBEAT_MS, BENCH_API_LOG_LEVEL (the gateway's FEDERA_LOG_LEVEL, default info),
// BENCH_API_CPU_PROF=DIR (the gateway, inventory and supervision write V8 cpu profiles there when they stop),
// BENCH_API_HOLD=1 (after the setup, print the gateway's and the baseline's URLs and the token, and
// keep everything up until SIGINT, to probe by hand), BENCH_API_GATEWAY_ENV='{"FEDERA_API_...":"0"}'
// (extra environment of the gateway, e.g. to compare shedding settings).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, freshDatabase, uniquePrefix } from '@federa/testing';
import type { LoadJob, LoadResult } from './api-load';

const hosts = Number(process.env.BENCH_API_HOSTS ?? 1000);
const wantedInstances = Number(process.env.BENCH_API_INSTANCES ?? 150);
const stepMs = Number(process.env.BENCH_API_STEP_MS ?? 5000);
const heartbeatMs = Number(process.env.BENCH_HEARTBEAT_MS ?? 1000);
const gatewayLogLevel = process.env.BENCH_API_LOG_LEVEL ?? 'info';
const cpuProfDir = process.env.BENCH_API_CPU_PROF;
const hold = process.env.BENCH_API_HOLD === '1';
const gatewayEnv = JSON.parse(process.env.BENCH_API_GATEWAY_ENV ?? '{}') as Record<string, string>;
const p99TargetMs = 100;
const shedP99TargetMs = 500;
const ratioTarget = 0.5;
/** A rate passes when p99 ≤ target and at most this share of requests fails (503, error, timeout). */
const maxFailedShare = 0.01;
const minAnswers = 500;
const timeoutMs = 10_000;
const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const root = join(__dirname, '..');
const token = 'bench-api-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];

function start(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdout: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'bench/eventstore-register.js'), ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      // Logs are written (as in production) but not kept; failures still reach stderr.
      stdio: ['ignore', stdout, 'inherit'],
    },
  );
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`bench api: ${label} exited (${code ?? signal})\n`);
  });
  children.push(child);
  return child;
}
let stopping = false;

let loader: ChildProcess;
/** One job at a time: the generator answers each with its result. */
function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    loader.once('error', failed);
    loader.once('message', (result) => {
      loader.off('error', failed);
      resolve(result as LoadResult);
    });
    loader.send(job);
  });
}

function failedShare(result: LoadResult): number {
  const ok = result.statuses['200'] ?? 0;
  return (result.sent - ok) / result.sent;
}

function passes(result: LoadResult): boolean {
  return result.p99Ms <= p99TargetMs && failedShare(result) <= maxFailedShare;
}

/** Doubles the rate while it passes, then bisects between the last pass and the first failure. */
async function maxRate(label: string, url: string, withToken: boolean): Promise<number> {
  const job = (ratePerS: number): LoadJob => ({
    url,
    ...(withToken ? { token } : {}),
    ratePerS,
    // Enough answers that the p99 is not one unlucky request.
    durationMs: Math.max(stepMs, (minAnswers / ratePerS) * 1000),
    timeoutMs,
  });
  // A failure is tried once more: one stall of a busy neighbour must not end the search.
  const tryRate = async (rate: number) =>
    passes(await step(label, job(rate))) || passes(await step(`${label} (again)`, job(rate)));
  await inTurn(() => load({ ...job(20), durationMs: 2000 })); // warm-up: connections, JIT, caches
  let good = 0;
  let bad = 0;
  for (let rate = 50; rate <= 40_000; rate *= 2) {
    if (await tryRate(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  if (bad === 0) return good;
  while (bad - good > Math.max(10, good * 0.08)) {
    const rate = Math.round((good + bad) / 2);
    if (await tryRate(rate)) good = rate;
    else bad = rate;
  }
  return good;
}

/**
 * Steps run one at a time, in the order asked: the gateway's and the baseline's searches run
 * together and so take turns, each step of one next to a step of the other, so that a busy
 * neighbour on the machine weighs on both alike rather than on whichever ran during its burst.
 */
let turns: Promise<unknown> = Promise.resolve();
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const mine = turns.then(work);
  turns = mine.catch(() => undefined);
  return mine;
}

function step(label: string, job: LoadJob): Promise<LoadResult> {
  return inTurn(() => runStep(label, job));
}

async function runStep(label: string, job: LoadJob): Promise<LoadResult> {
  const result = await load(job);
  process.stderr.write(
    `${label} ${job.ratePerS}/s: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms, ` +
      `${JSON.stringify(result.statuses)}, load generator cpu ${result.cpuShare}\n`,
  );
  // Lets whatever queued drain before the next step.
  await sleep(1500);
  return result;
}

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const db = await freshDatabase('bench_api');
  const prefix = uniquePrefix('benchapi');
  const work = mkdtempSync(join(tmpdir(), 'federa-bench-api-'));
  const httpPort = await freePort();
  const env = {
    FEDERA_DATABASE_URL: db.url,
    FEDERA_NATS_URL: natsUrl,
    FEDERA_SUBJECT_PREFIX: prefix,
    FEDERA_HEARTBEAT_MS: String(heartbeatMs),
    FEDERA_LEASE_DIR: join(work, 'leases'),
    FEDERA_API_TOKEN: token,
    // The benchmark is one token at thousands of requests a second: it measures shedding, not the
    // per-token rate limit, which would refuse it long before.
    FEDERA_API_RATE_LIMIT: '0',
    FEDERA_HTTP_PORT: String(httpPort),
    FEDERA_HTTP_HOST: '127.0.0.1',
  };
  const api = `http://127.0.0.1:${httpPort}`;
  try {
    for (const service of ['inventory', 'placement', 'supervision', 'relay', 'gateway']) {
      const profile =
        cpuProfDir && ['gateway', 'inventory', 'supervision'].includes(service)
          ? [
              '--cpu-prof',
              `--cpu-prof-dir=${cpuProfDir}`,
              `--cpu-prof-name=${service}.cpuprofile`,
              '-r',
              join(root, 'bench/exit-on-sigterm.js'),
            ]
          : [];
      start(service, [...profile, join(root, `services/${service}/src/main.ts`)], {
        ...env,
        ...(service === 'gateway' ? { FEDERA_LOG_LEVEL: gatewayLogLevel, ...gatewayEnv } : {}),
      });
    }
    // Inventory answering through the gateway is enough to start: placement and supervision are
    // waited for by the instances they must run.
    await eventually(
      async () =>
        (await fetch(`${api}/v1/hosts`, { headers: { authorization: `Bearer ${token}` } })).ok,
      120_000,
      250,
    );
    process.stderr.write('bench api: control plane ready\n');

    const hostYaml = join(work, 'host.yaml');
    writeFileSync(
      hostYaml,
      [
        'host: bench',
        'site: geneva',
        'securityLevel: 3',
        'layers: [sim]',
        'capacity: auto',
        'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 }',
        '',
      ].join('\n'),
    );
    start(
      'sim agent',
      [join(root, 'services/agent/src/main.ts'), '--config', hostYaml, '--simulate', String(hosts)],
      env,
    );
    const call = async (method: string, path: string, body?: object) => {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: response.status,
        json: (await response.json()) as { items?: unknown[]; next?: string },
      };
    };
    /** Items of every page of `path` (a list route), following `next`. */
    const countAll = async (path: string) => {
      let count = 0;
      let after: string | undefined;
      do {
        const page = await call('GET', `${path}&limit=100${after ? `&after=${after}` : ''}`);
        if (page.status !== 200) throw new Error(`${path}: ${JSON.stringify(page.json)}`);
        count += page.json.items?.length ?? 0;
        after = page.json.next;
      } while (after);
      return count;
    };
    const readyHosts = () => countAll('/v1/hosts?state=ready');
    await eventually(async () => (await readyHosts()) >= hosts, 180_000, 1000).catch(async () => {
      throw new Error(`only ${await readyHosts()} of ${hosts} simulated hosts are ready`);
    });
    process.stderr.write(`bench api: ${hosts} hosts ready\n`);

    // Instances: one service of sim-layer applications, deployed by the real control plane.
    const perApp = Math.ceil(wantedInstances / 3);
    const spec = {
      apiVersion: 'federa/v1',
      kind: 'Service',
      metadata: { name: 'bench' },
      spec: {
        applications: ['alpha', 'beta', 'gamma'].map((name) => ({
          name,
          layer: 'sim',
          resources: { cpu: '100m', memory: '64Mi' },
          replicas: { min: perApp, max: perApp },
        })),
      },
    };
    const applied = await call('PUT', '/v1/services/bench', spec);
    if (applied.status !== 200) throw new Error(`apply: ${JSON.stringify(applied.json)}`);
    const deployed = await call('POST', '/v1/services/bench/deploy');
    if (deployed.status !== 202) throw new Error(`deploy: ${JSON.stringify(deployed.json)}`);
    const liveInstances = async () =>
      (await countAll('/v1/instances?state=running')) +
      (await countAll('/v1/instances?state=healthy'));
    await eventually(async () => (await liveInstances()) >= perApp * 3, 180_000, 1000).catch(
      async () => {
        throw new Error(`only ${await liveInstances()} of ${perApp * 3} instances run`);
      },
    );
    const instances = await liveInstances();
    process.stderr.write(`bench api: ${instances} instances running\n`);

    const baseline = start('baseline', [join(root, 'bench/api-baseline.ts')], env, 'pipe');
    const baselinePort = await new Promise<number>((resolve) => {
      baseline.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
    });
    const base = `http://127.0.0.1:${baselinePort}`;
    if (hold) {
      process.stderr.write(
        `bench api: holding; gateway ${api} (token ${token}), baseline ${base}\n`,
      );
      await new Promise((resolve) => process.once('SIGINT', resolve));
      return;
    }

    loader = fork(join(root, 'bench/api-load.ts'), [], {
      execArgv: ['-r', join(root, 'bench/typescript-require-hook.js')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(loader);

    const hostsPath = '/v1/hosts?limit=100';
    const instancesPath = '/v1/instances?limit=100';
    const [gatewayHosts, baselineHosts] = await Promise.all([
      maxRate('gateway hosts', `${api}${hostsPath}`, true),
      maxRate('baseline hosts', `${base}${hostsPath}`, false),
    ]);
    const [gatewayInstances, baselineInstances] = await Promise.all([
      maxRate('gateway instances', `${api}${instancesPath}`, true),
      maxRate('baseline instances', `${base}${instancesPath}`, false),
    ]);

    const shedAt = async (label: string, path: string, rate: number) => {
      const result = await step(`${label} at twice its max`, {
        url: `${api}${path}`,
        token,
        ratePerS: Math.max(1, rate * 2),
        durationMs: stepMs,
        timeoutMs,
      });
      return result;
    };
    const shedHosts = await shedAt('gateway hosts', hostsPath, gatewayHosts);
    const shedInstances = await shedAt('gateway instances', instancesPath, gatewayInstances);
    const metrics = await (await fetch(`${api}/metrics`)).text();
    const shedTotal = [...metrics.matchAll(/^http_requests_shed_total\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );

    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : 0);
    const hostsRatio = ratio(gatewayHosts, baselineHosts);
    const instancesRatio = ratio(gatewayInstances, baselineInstances);
    const apiReadRatio = Math.min(hostsRatio, instancesRatio);
    const shedP99Ms = Math.max(shedHosts.p99Ms, shedInstances.p99Ms);
    const shedShare = (r: LoadResult) =>
      Math.round(((r.statuses['503'] ?? 0) / r.sent) * 1000) / 1000;
    console.log(
      JSON.stringify({
        bench: 'api',
        load_avg_at_start: loadAtStart,
        hosts,
        instances,
        heartbeat_ms: heartbeatMs,
        gateway_log_level: gatewayLogLevel,
        step_ms: stepMs,
        p99_target_ms: p99TargetMs,
        gateway_hosts_max_rps: gatewayHosts,
        baseline_hosts_max_rps: baselineHosts,
        hosts_ratio: hostsRatio,
        gateway_instances_max_rps: gatewayInstances,
        baseline_instances_max_rps: baselineInstances,
        instances_ratio: instancesRatio,
        api_read_ratio: apiReadRatio,
        api_read_ratio_target: ratioTarget,
        api_read_ratio_met: apiReadRatio >= ratioTarget,
        shed_hosts_p99_ms: shedHosts.p99Ms,
        shed_hosts_503_share: shedShare(shedHosts),
        shed_hosts_ok_p99_ms: shedHosts.okP99Ms,
        shed_instances_p99_ms: shedInstances.p99Ms,
        shed_instances_503_share: shedShare(shedInstances),
        shed_instances_ok_p99_ms: shedInstances.okP99Ms,
        shed_p99_ms: shedP99Ms,
        shed_p99_target_ms: shedP99TargetMs,
        shed_p99_met: shedP99Ms <= shedP99TargetMs,
        shed_total: shedTotal,
      }),
    );
  } finally {
    stopping = true;
    for (const child of children.reverse()) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    await db.drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
