// Supervision benchmark: how long the demo service takes from apply to available, and from a host's
// death to available again, with 1 s heartbeats and the real inventory at its default liveness
// settings (down after 3 heartbeats of silence, 250 ms liveness tick). The baseline, in the same run
// on the same agents, starts the same four application processes directly through the agent
// protocol, in order, with no control plane. Last line: one JSON object.
import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { eventually } from '@federa/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendCommand } from '../test/agent-harness';
import { loadInventoryConfig } from '../services/inventory/src';
import { Fleet } from '../test/supervision-fleet';
import { startControlPlane } from '../test/supervision-harness';

const heartbeatMs = 1000;
/** Failure detection at inventory's defaults for this heartbeat. */
const { downAfterMs, tickMs: livenessTickMs } = loadInventoryConfig({
  FEDERA_HEARTBEAT_MS: String(heartbeatMs),
}).liveness;
const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

type Instance = { id: string; app: string; host: string; state: string };

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const plane = await startControlPlane('supervision_bench', { tickMs: 100 });
  const fleet = await Fleet.start(plane, ['b1', 'b2', 'b3', 'b4'], {
    heartbeatMs,
    downAfterMs,
    livenessTickMs,
  });
  const subjects = new Subjects(plane.prefix);
  const nc = await connectNats(plane.settings.natsUrl, 'supervision-bench');
  try {
    // Baseline: the four processes started by hand, in dependency order, each awaited healthy.
    const healthy = new Set<string>();
    nc.subscribe(subjects.allHeartbeats, {
      callback: (_e, msg) => {
        const beat = JSON.parse(new TextDecoder().decode(msg.data)) as {
          instances: { instance: string; state: string }[];
        };
        for (const i of beat.instances) if (i.state === 'healthy') healthy.add(i.instance);
      },
    });
    const order: [string, string, string][] = [
      ['base-db', 'kv-store', 'b1'],
      ['base-pay', 'payment', 'b2'],
      ['base-web-1', 'web', 'b3'],
      ['base-web-2', 'web', 'b4'],
    ];
    const baseStart = Date.now();
    for (const [instance, app, host] of order) {
      const epoch = fleet.agents.get(host)?.agent.epoch ?? 1;
      await sendCommand(nc, subjects, host, {
        commandId: `bench-${instance}`,
        epoch,
        type: 'start',
        spec: {
          instance,
          service: 'baseline',
          app,
          layer: 'process',
          artifact: { command: ['node', `examples/apps/${app}.js`] },
          resources: {
            cpuMillis: 250,
            memoryBytes: 128 * 1024 ** 2,
            storageBytes: 1024 ** 3,
            bandwidthBps: 1e8,
          },
          health: { http: { path: '/healthz' }, intervalMs: 1000, failureThreshold: 3 },
        },
      });
      await eventually(async () => healthy.has(instance), 120_000);
    }
    const baselineStartS = (Date.now() - baseStart) / 1000;
    for (const [instance, , host] of order) {
      const epoch = fleet.agents.get(host)?.agent.epoch ?? 1;
      await sendCommand(nc, subjects, host, {
        commandId: `bench-stop-${instance}`,
        epoch,
        type: 'destroy',
        instance,
      });
    }

    // Federa: apply → deploy → available.
    const applyStart = Date.now();
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    await eventually(
      async () => (await plane.call('GET', '/v1/services/shop')).json.state === 'available',
      120_000,
    );
    const applyToAvailableS = (Date.now() - applyStart) / 1000;

    // Host kill: a host with a web instance and no payment dies (agent and instance processes);
    // inventory notices the silence and records HostDown, supervision re-places what ran there.
    const instances = (await plane.call('GET', '/v1/instances?service=shop')).json
      .items as Instance[];
    const paymentHost = instances.find((i) => i.app === 'payment')?.host;
    const victim = instances.find((i) => i.app === 'web' && i.host !== paymentHost) as Instance;
    const before = (await plane.events()).at(-1)?.position ?? 0;
    const killedAt = Date.now();
    await fleet.killHost(victim.host);
    let downAt = 0;
    await eventually(async () => {
      const log = (await plane.events(['HostDown', 'ServiceAvailable'])).filter(
        (e) => e.position > before,
      );
      if (!downAt && log.some((e) => e.type === 'HostDown')) downAt = Date.now();
      return log.some((e) => e.type === 'ServiceAvailable');
    }, 120_000);
    const hostKillToAvailableS = (Date.now() - killedAt) / 1000;
    const hostKillToDownS = (downAt - killedAt) / 1000;

    const result = {
      bench: 'supervision',
      heartbeat_ms: heartbeatMs,
      down_after_ms: downAfterMs,
      apply_to_available_s: round(applyToAvailableS),
      baseline_direct_start_s: round(baselineStartS),
      apply_to_available_vs_direct: round(applyToAvailableS / baselineStartS),
      liveness_tick_ms: livenessTickMs,
      host_kill_to_down_s: round(hostKillToDownS),
      host_kill_to_available_s: round(hostKillToAvailableS),
      host_kill_target_s: 5,
      host_kill_target_met: hostKillToAvailableS <= 5,
      load_avg_at_start: loadAtStart,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await nc.close();
    await fleet.close();
    await plane.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
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
