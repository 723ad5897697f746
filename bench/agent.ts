// Agent benchmark: 5,000 simulated hosts heartbeating at 1 Hz (jitter at the receiver, cpu share of
// the simulating process), one real agent supervising 10 process instances (its RSS), and the live
// migration of a 128 MiB QEMU VM between two drivers (downtime = source STOP → target RESUME).
// Prints one JSON line last. Needs the local NATS (FEDERA_NATS_URL).
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFileSync } from '@swc/core';
import { Subjects, type HostConfig } from '@federa/contracts';
import { uniquePrefix } from '@federa/testing';
import { connect, type NatsConnection } from 'nats';
import { pino } from 'pino';
import { AGENT_NODE_FLAGS, measureQemuLiveMigration, SimFleet } from '../services/agent/src';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const SIM_HOSTS = Number(process.env.BENCH_SIM_HOSTS ?? 5000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 15_000);
/** BENCH_SIM_LEASES=1: the simulated hosts renew lease files too (`--simulate-leases`). */
const SIM_LEASES = process.env.BENCH_SIM_LEASES === '1';
/** BENCH_QEMU_RUNS: live migrations measured (median reported); 0 skips the QEMU part. */
const QEMU_RUNS = Number(process.env.BENCH_QEMU_RUNS ?? 5);
const QEMU_DOWNTIME_TARGET_MS = 100;
const AGENT_RSS_TARGET_MB = 80;
const REAL_INSTANCES = 10;
const CPU_WINDOW_MS = 10_000;
/** Node flags of the measured agent: as launched in production, or BENCH_AGENT_NODE_FLAGS to compare. */
const nodeFlags =
  process.env.BENCH_AGENT_NODE_FLAGS === undefined
    ? [...AGENT_NODE_FLAGS]
    : process.env.BENCH_AGENT_NODE_FLAGS.split(' ').filter(Boolean);
const root = resolve(__dirname, '..');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function answerRegistrations(nc: NatsConnection, subjects: Subjects): void {
  const epochs = new Map<string, number>();
  nc.subscribe(subjects.agentRegisterFor('*'), {
    callback: (_e, msg) => {
      const host = (JSON.parse(decoder.decode(msg.data)) as { host: string }).host;
      const epoch = (epochs.get(host) ?? 0) + 1;
      epochs.set(host, epoch);
      msg.respond(encoder.encode(JSON.stringify({ ok: true, result: { epoch } })));
    },
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const config = {
  host: 'bench',
  site: 'geneva',
  securityLevel: 1,
  layers: ['sim'],
  capacity: 'auto',
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
} as HostConfig;

async function simulatedHosts(nc: NatsConnection) {
  const prefix = uniquePrefix('benchsim');
  const subjects = new Subjects(prefix);
  answerRegistrations(nc, subjects);
  // On tmpfs: replacing a file by rename costs ~2 ms on this machine's ext4 (~70 µs on tmpfs).
  const leaseRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const leaseDir = SIM_LEASES ? mkdtempSync(join(leaseRoot, 'federa-bench-leases-')) : undefined;
  const lastArrival = new Map<string, number>();
  const jitter: number[] = [];
  let measuring = false;
  nc.subscribe(subjects.allHeartbeats, {
    callback: (_e, msg) => {
      const now = performance.now();
      const host = msg.subject.split('.')[2];
      const last = lastArrival.get(host);
      lastArrival.set(host, now);
      if (measuring && last !== undefined) jitter.push(Math.abs(now - last - 1000));
    },
  });
  const fleet = await SimFleet.start({
    config,
    count: SIM_HOSTS,
    natsUrl: NATS_URL,
    subjectPrefix: prefix,
    heartbeatMs: 1000,
    logger: pino({ level: 'silent' }),
    ...(leaseDir ? { leaseDir } : {}),
  });
  await fleet.registered;
  await new Promise((r) => setTimeout(r, 3000));
  measuring = true;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  measuring = false;
  await fleet.stop();
  if (leaseDir) rmSync(leaseDir, { recursive: true, force: true });
  return {
    sim_hosts: SIM_HOSTS,
    sim_leases: SIM_LEASES,
    heartbeats_per_s: Math.round((jitter.length / wall) * 1000),
    heartbeat_jitter_p50_ms: Number(percentile(jitter, 50).toFixed(1)),
    heartbeat_jitter_p99_ms: Number(percentile(jitter, 99).toFixed(1)),
    // Share of one core used by the simulating process (it also runs the measuring subscriber).
    cpu_share: Number(((cpu.user + cpu.system) / 1000 / wall).toFixed(3)),
  };
}

/**
 * Compiles the agent and the libs it uses to plain JavaScript in `outDir`, so that the measured
 * agent runs as it does when built (no compiler loaded in its process). Answers the launcher.
 */
function compileAgent(outDir: string): string {
  const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')
          ? [join(dir, e.name)]
          : [],
    );
  const sources = [
    'services/agent/src',
    'libs/contracts/src',
    'libs/messaging/src',
    'libs/runtime/src',
  ].flatMap((d) => walk(join(root, d)));
  for (const file of sources) {
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, transformFileSync(file, { ...swcrc, swcrc: false }).code);
  }
  const launcher = join(outDir, 'launch.js');
  writeFileSync(
    launcher,
    `const Module = require('node:module');
const path = require('node:path');
module.paths.push(${JSON.stringify(join(root, 'node_modules'))});
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = /^@federa\\/(contracts|messaging|runtime)(\\/[a-z-]+)?$/.exec(request);
  if (alias) return resolveFilename.call(this, path.join(__dirname, 'libs', alias[1], 'src', alias[2] ?? ''), parent, ...rest);
  try { return resolveFilename.call(this, request, parent, ...rest); }
  catch (error) { return resolveFilename.call(this, require.resolve(request, { paths: [${JSON.stringify(root)}] }), parent, ...rest); }
};
require('./services/agent/src/main.js');
`,
  );
  return launcher;
}

/** utime + stime of a process, in clock ticks (10 ms each on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function realAgentRss(nc: NatsConnection) {
  const prefix = uniquePrefix('benchreal');
  const subjects = new Subjects(prefix);
  answerRegistrations(nc, subjects);
  const dir = mkdtempSync(join(tmpdir(), 'federa-bench-agent-'));
  const configFile = join(dir, 'host.yaml');
  writeFileSync(configFile, JSON.stringify({ ...config, host: 'bench-real', layers: ['process'] }));
  const healthy = new Set<string>();
  nc.subscribe(subjects.agentReport('bench-real'), {
    callback: (_e, msg) => {
      const report = JSON.parse(decoder.decode(msg.data)) as { instance: string; state?: string };
      if (report.state === 'healthy') healthy.add(report.instance);
    },
  });
  const launcher = compileAgent(join(dir, 'compiled'));
  const child = spawn(
    process.execPath,
    [...nodeFlags, launcher, '--config', configFile, '--data-dir', join(dir, 'data')],
    {
      cwd: root,
      env: {
        ...process.env,
        FEDERA_SUBJECT_PREFIX: prefix,
        FEDERA_NATS_URL: NATS_URL,
        FEDERA_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    let epoch = 0;
    const sub = nc.subscribe(subjects.agentHeartbeat('bench-real'), { max: 1 });
    for await (const msg of sub)
      epoch = (JSON.parse(decoder.decode(msg.data)) as { epoch: number }).epoch;
    for (let i = 0; i < REAL_INSTANCES; i++) {
      const command = {
        commandId: `bench-${i}`,
        epoch,
        type: 'start',
        spec: {
          instance: `web-${i}`,
          service: 'bench',
          app: 'web',
          layer: 'process',
          artifact: { command: ['node', 'examples/apps/web.js'] },
          resources: {
            cpuMillis: 100,
            memoryBytes: 64 * 1024 ** 2,
            storageBytes: 1024 ** 2,
            bandwidthBps: 1e6,
          },
          health: { http: { path: '/healthz' }, intervalMs: 1000, failureThreshold: 3 },
        },
      };
      await nc.request(
        subjects.agentCommand('bench-real'),
        encoder.encode(JSON.stringify(command)),
        { timeout: 5000 },
      );
    }
    const deadline = Date.now() + 60_000;
    while (healthy.size < REAL_INSTANCES && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 5000));
    // The agent's cpu while it supervises (probes, usage, heartbeats): what a smaller heap costs.
    const cpuBefore = cpuTicks(child.pid!);
    await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
    const cpuMsPerS = ((cpuTicks(child.pid!) - cpuBefore) * 10 * 1000) / CPU_WINDOW_MS;
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    const rssKb = kb('VmRSS');
    process.stderr.write(
      `agent rss ${rssKb} kB: anon ${kb('RssAnon')} kB, file ${kb('RssFile')} kB, shmem ${kb('RssShmem')} kB\n`,
    );
    for (let i = 0; i < REAL_INSTANCES; i++) {
      await nc.request(
        subjects.agentCommand('bench-real'),
        encoder.encode(
          JSON.stringify({
            commandId: `bench-stop-${i}`,
            epoch,
            type: 'destroy',
            instance: `web-${i}`,
          }),
        ),
        { timeout: 5000 },
      );
    }
    await new Promise((r) => setTimeout(r, 3000));
    return {
      real_instances: healthy.size,
      agent_rss_mb: Number((rssKb / 1024).toFixed(1)),
      agent_cpu_ms_per_s: Number(cpuMsPerS.toFixed(1)),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why the QEMU part cannot run here, or undefined when it can. */
function qemuSkipReason(): string | undefined {
  if (QEMU_RUNS <= 0) return 'BENCH_QEMU_RUNS=0';
  if (spawnSync('qemu-system-x86_64', ['--version']).error) {
    return 'qemu-system-x86_64 is not installed';
  }
  return undefined;
}

async function qemuLiveMigration() {
  const skip = qemuSkipReason();
  if (skip) {
    process.stderr.write(`qemu live migration skipped: ${skip}\n`);
    return {
      qemu_live_downtime_ms: null,
      qemu_live_downtime_max_ms: null,
      qemu_live_total_ms: null,
      qemu_reported_downtime_ms: null,
      qemu_live_downtime_met: null,
      qemu_live_skipped: skip,
    };
  }
  const measure = await measureQemuLiveMigration(QEMU_RUNS);
  return {
    ...measure,
    qemu_live_downtime_met: measure.qemu_live_downtime_ms <= QEMU_DOWNTIME_TARGET_MS,
  };
}

async function main(): Promise<void> {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const nc = await connect({ servers: NATS_URL });
  const sim = await simulatedHosts(nc);
  const real = await realAgentRss(nc);
  await nc.close();
  const qemu = await qemuLiveMigration();
  const result = {
    bench: 'agent',
    load_avg_at_start: load,
    sim_heartbeat_ms: 1000,
    ...sim,
    ...real,
    agent_rss_target_mb: AGENT_RSS_TARGET_MB,
    agent_rss_met: real.agent_rss_mb < AGENT_RSS_TARGET_MB,
    ...qemu,
    qemu_live_downtime_target_ms: QEMU_DOWNTIME_TARGET_MS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
