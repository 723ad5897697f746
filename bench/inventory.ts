/**
 * Inventory at fleet scale: 10,000 simulated hosts heartbeating at 1 Hz (AgentHeartbeat, the agent's
 * message class) into one inventory process. Measures the process's CPU share (of one core) while
 * it only watches, then kills hosts (their heartbeats and leases stop) and measures the time from
 * each kill to its HostDown in the log. Last line: one JSON object.
 * Run: npm run bench:inventory  (HOSTS=N, KILLS=N, MEASURE_S=N to change the scenario)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subjects, type AgentHeartbeat } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { freshDatabase, uniquePrefix, waitForPort } from '@federa/testing';
import { JSONCodec } from 'nats';
import { Pool } from 'pg';
import { loadInventoryConfig } from '../services/inventory/src';
import { registrationOf } from '../test/inventory-fake-agent';

const hosts = Number(process.env.HOSTS ?? 10_000);
const kills = Number(process.env.KILLS ?? 40);
/** A killed host is declared down within this long of its kill. */
const detectTargetMs = 3000;
const measureS = Number(process.env.MEASURE_S ?? 10);
const sites = 10;
const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const json = JSONCodec();
const clockTicks = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  await waitForPort(4222, 5000);
  const db = await freshDatabase('bench_inventory');
  const prefix = uniquePrefix('benchinv');
  const subjects = new Subjects(prefix);
  const leaseDir = mkdtempSync(join(tmpdir(), 'federa-bench-leases-'));
  const root = join(__dirname, '..');
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(root, 'bench/eventstore-register.js'),
      join(root, 'services/inventory/src/main.ts'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        FEDERA_DATABASE_URL: db.url,
        FEDERA_NATS_URL: natsUrl,
        FEDERA_SUBJECT_PREFIX: prefix,
        FEDERA_LEASE_DIR: leaseDir,
        FEDERA_DOWN_LIMIT_PER_SITE_PER_MINUTE: String(kills),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const nc = await connectNats(natsUrl, 'bench-inventory');
  const pool = new Pool({ connectionString: db.url, max: 2 });
  try {
    const ids = Array.from({ length: hosts }, (_, i) => `sim-${i}`);
    const epochs = new Map<string, number>();
    const alive = new Set(ids);
    const killedAt = new Map<string, number>();
    let seq = 0;
    let published = 0;
    // Each host beats once a second, spread evenly over the second in 10 ms slices.
    const slice = Math.ceil(hosts / 100);
    let cursor = 0;
    const timer = setInterval(() => {
      seq++;
      for (let n = 0; n < slice; n++) {
        const id = ids[cursor];
        cursor = (cursor + 1) % ids.length;
        if (!alive.has(id) || !epochs.has(id)) continue;
        const beat: AgentHeartbeat = {
          host: id,
          epoch: epochs.get(id)!,
          seq,
          sentAt: Date.now(),
          intervalMs: 1000,
          usage: {
            cpuMillis: 100,
            memoryBytes: 2 ** 28,
            storageBytes: 2 ** 30,
            networkBytes: 1000,
          },
          instances: [],
        };
        nc.publish(subjects.agentHeartbeat(id), json.encode(beat));
        published++;
      }
    }, 10);
    // Registration, 50 in flight at a time (waits for inventory to answer the first); each host beats once registered.
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          for (;;) {
            try {
              const reply = json.decode(
                (
                  await nc.request(
                    subjects.agentRegister,
                    json.encode(registrationOf(id, `site-${Number(id.slice(4)) % sites}`, 1000)),
                    { timeout: 10_000 },
                  )
                ).data,
              ) as { ok: boolean; result: { epoch: number } };
              if (reply.ok) return void epochs.set(id, reply.result.epoch);
            } catch {
              /* inventory still starting */
            }
            await sleep(200);
          }
        }),
      );
    }
    await sleep(5000); // warm-up: every host seen, JIT settled
    const cpu0 = cpuSeconds(child.pid!);
    const published0 = published;
    const t0 = Date.now();
    await sleep(measureS * 1000);
    const elapsedS = (Date.now() - t0) / 1000;
    const cpuShare = (cpuSeconds(child.pid!) - cpu0) / elapsedS;
    const heartbeatsPerS = Math.round((published - published0) / elapsedS);
    // Kill hosts spread over the sites and over the heartbeat phase.
    for (let k = 0; k < kills; k++) {
      const id = ids[Math.floor((k * hosts) / kills) + (k % sites)];
      alive.delete(id);
      killedAt.set(id, Date.now());
      await sleep(1000 / kills + Math.random() * 20);
    }
    const detect: number[] = [];
    const deadline = Date.now() + 30_000;
    while (detect.length < kills && Date.now() < deadline) {
      await sleep(500);
      const rows = await pool.query<{ host: string; at: Date }>({
        text: `SELECT data->>'host' AS host, recorded_at AS at FROM eventlog.events WHERE type = 'HostDown'`,
      });
      detect.length = 0;
      for (const row of rows.rows) {
        const at = killedAt.get(row.host);
        if (at !== undefined) detect.push(row.at.getTime() - at);
      }
    }
    clearInterval(timer);
    const falseDowns = Number(
      (
        await pool.query({
          text: `SELECT count(*) AS n FROM eventlog.events WHERE type = 'HostDown' AND NOT (data->>'host' = ANY($1))`,
          values: [[...killedAt.keys()]],
        })
      ).rows[0].n,
    );
    detect.sort((a, b) => a - b);
    // The thresholds the inventory child reads from the same environment.
    const { liveness } = loadInventoryConfig(process.env);
    const p = (q: number) => detect[Math.min(detect.length - 1, Math.ceil(q * detect.length) - 1)];
    const result = {
      bench: 'inventory',
      hosts,
      heartbeat_hz: 1,
      heartbeats_per_s: heartbeatsPerS,
      cpu_share: Number(cpuShare.toFixed(3)),
      kills,
      detected: detect.length,
      false_downs: falseDowns,
      detect_p50_ms: p(0.5),
      detect_p99_ms: p(0.99),
      detect_max_ms: detect[detect.length - 1],
      down_after_ms: liveness.downAfterMs,
      liveness_tick_ms: liveness.tickMs,
      detect_target_ms: detectTargetMs,
      detect_p99_vs_target: Number((p(0.99) / detectTargetMs).toFixed(3)),
      load_avg_at_start: loadAtStart,
    };
    console.log(JSON.stringify(result));
  } finally {
    child.kill('SIGTERM');
    await nc.close();
    await pool.end();
    await new Promise((r) => setTimeout(r, 500));
    await db.drop().catch(() => undefined);
    rmSync(leaseDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
