// Deploy benchmark: how long the demo service (examples/shop.yaml) takes from apply to available on
// four real agents (process layer, 1 s heartbeats, the real inventory and placement), beside its raw
// floor: each application's own start-to-healthy time, measured on its own (spawned directly, its
// /healthz polled every 5 ms), summed along the longest dependsOn chain. Nothing can make the
// service available sooner than that chain. Last line: one JSON object.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { eventually, freePort } from '@federa/testing';
import { loadInventoryConfig } from '../services/inventory/src';
import { Fleet } from '../test/supervision-fleet';
import { startControlPlane } from '../test/supervision-harness';

const repoRoot = join(__dirname, '..');
const shopYaml = readFileSync(join(repoRoot, 'examples', 'shop.yaml'), 'utf8');
/** Direct starts per application; the median is kept. */
const floorRuns = 3;
/** Supervision's tick: its default (FEDERA_SUPERVISION_TICK_MS), unless FEDERA_SUPERVISION_TICK_MS says otherwise. */
const tickMs = Number(process.env.FEDERA_SUPERVISION_TICK_MS || 250);

interface AppSpec {
  name: string;
  artifact: { command: string[] };
  dependsOn?: string[];
}

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const apps = (parse(shopYaml) as { spec: { applications: AppSpec[] } }).spec.applications;

  const ownStartMs = new Map<string, number>();
  for (const app of apps) {
    const runs: number[] = [];
    for (let n = 0; n < floorRuns; n++) runs.push(await startToHealthyMs(app.artifact.command));
    ownStartMs.set(app.name, median(runs));
  }
  const chain = longestChain(apps, ownStartMs);

  const plane = await startControlPlane('deploy_bench', { tickMs });
  const { heartbeatMs, downAfterMs, tickMs: livenessTickMs } = loadInventoryConfig({}).liveness;
  const fleet = await Fleet.start(plane, ['p1', 'p2', 'p3', 'p4'], {
    heartbeatMs,
    downAfterMs,
    livenessTickMs,
  });
  const db = new Client({ connectionString: plane.database.url });
  await db.connect();
  try {
    const applyAt = Date.now();
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    const availableAt = await eventually(
      async () => {
        const { rows } = await db.query<{ at: string }>(
          `SELECT (extract(epoch FROM recorded_at) * 1000)::float8 AS at FROM eventlog.events
         WHERE type = 'ServiceAvailable' ORDER BY position LIMIT 1`,
        );
        return rows[0] ? Number(rows[0].at) : 0;
      },
      120_000,
      20,
    );
    const deployMs = availableAt - applyAt;
    const phases = await phasesOf(db, applyAt);
    const result = {
      bench: 'deploy',
      hosts: 4,
      tick_ms: tickMs,
      critical_path: chain.path,
      own_start_to_healthy_ms: Object.fromEntries(
        [...ownStartMs].map(([app, ms]) => [app, Math.round(ms)]),
      ),
      phases_ms: phases,
      load_avg_at_start: loadAtStart,
      deploy_to_available_ms: Math.round(deployMs),
      raw_floor_ms: Math.round(chain.ms),
      deploy_vs_floor: Math.round((deployMs / chain.ms) * 100) / 100,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db.end();
    await fleet.close();
    await plane.close();
  }
}

/** Spawns the application as the process layer would (PORT, data dir) and times its first 200 on /healthz. */
async function startToHealthyMs(command: string[]): Promise<number> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'deploy-floor-'));
  const startedAt = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), FEDERA_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  try {
    await eventually(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
        } catch {
          return false;
        }
      },
      120_000,
      5,
    );
    return performance.now() - startedAt;
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The dependsOn chain whose own start times add up to the most: the floor of a deploy. */
function longestChain(
  apps: readonly AppSpec[],
  ownMs: ReadonlyMap<string, number>,
): { ms: number; path: string[] } {
  const memo = new Map<string, { ms: number; path: string[] }>();
  const through = (name: string): { ms: number; path: string[] } => {
    const known = memo.get(name);
    if (known) return known;
    const app = apps.find((a) => a.name === name) as AppSpec;
    const before = (app.dependsOn ?? [])
      .map(through)
      .reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, path: [] as string[] });
    const chain = { ms: before.ms + (ownMs.get(name) ?? 0), path: [...before.path, name] };
    memo.set(name, chain);
    return chain;
  };
  return apps.map((a) => through(a.name)).reduce((a, b) => (b.ms > a.ms ? b : a));
}

/** When each application first reached each step of its life, in ms after the apply. */
async function phasesOf(
  db: Client,
  applyAt: number,
): Promise<Record<string, Record<string, number>>> {
  const { rows } = await db.query<{ type: string; app: string; at: string }>(
    `SELECT type, data->>'app' AS app, min(extract(epoch FROM recorded_at) * 1000)::float8 AS at
     FROM eventlog.events WHERE stream_id LIKE 'instance-%' GROUP BY type, data->>'app'`,
  );
  const order = [
    'InstanceRequested',
    'InstancePlaced',
    'InstanceStarting',
    'InstanceRunning',
    'InstanceHealthy',
  ];
  const out: Record<string, Record<string, number>> = {};
  for (const row of rows.filter((r) => order.includes(r.type))) {
    out[row.app] ??= {};
    out[row.app][row.type.slice('Instance'.length).toLowerCase()] = Math.round(
      Number(row.at) - applyAt,
    );
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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
