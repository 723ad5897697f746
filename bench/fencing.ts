// Fencing benchmark: how long a frozen agent's surplus copies run after it thaws. The demo service
// (examples/shop.yaml) runs on four real agents, each a process of its own (process layer, 1 s
// heartbeats, inventory's default liveness for them); the agent holding catalog-db is frozen
// (SIGSTOP) until supervision has replaced its relocatable instances elsewhere, then thawed
// (SIGCONT). `fence_ms` runs from the SIGCONT to the moment the last of its replaced copies is gone
// from the process table (target: two heartbeats); `fence_report_ms` to the agent's first report
// that a replaced copy is stopping. Several rounds; the last line is one JSON object.
import { Subjects } from '@federa/contracts';
import { connectNats } from '@federa/messaging';
import { eventually } from '@federa/testing';
import { readFileSync } from 'node:fs';
import { loadInventoryConfig } from '../services/inventory/src';
import { convergedOnce, liveInstances, shopYaml } from '../test/supervision-fencing-checks';
import { ProcessFleet } from '../test/supervision-fencing-fleet';
import { startControlPlane } from '../test/supervision-harness';
import { runBench } from './run-bench';

const heartbeatMs = 1000;
const rounds = Number(process.env.FENCE_ROUNDS ?? 3);
const { downAfterMs } = loadInventoryConfig({ FEDERA_HEARTBEAT_MS: String(heartbeatMs) }).liveness;

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const plane = await startControlPlane('fencing_bench', { tickMs: 100 });
  const fleet = await ProcessFleet.start(plane, ['z1', 'z2', 'z3', 'z4'], {
    heartbeatMs,
    downAfterMs,
  });
  const nc = await connectNats(plane.settings.natsUrl, 'fencing-bench');
  const stopping = new Map<string, number>();
  nc.subscribe(new Subjects(plane.prefix).allReports, {
    callback: (_e, msg) => {
      const report = JSON.parse(new TextDecoder().decode(msg.data)) as {
        instance?: string;
        state?: string;
      };
      if (report.instance && (report.state === 'stopping' || report.state === 'stopped'))
        if (!stopping.has(report.instance)) stopping.set(report.instance, Date.now());
    },
  });
  const fenceMs: number[] = [];
  const reportMs: number[] = [];
  try {
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    await convergedOnce(plane, fleet, 120_000);
    for (let round = 0; round < rounds; round++) {
      const all = await liveInstances(plane);
      const victim = all.find((i) => i.app === 'catalog-db')!.host;
      const replaced = all.filter((i) => i.host === victim && i.app !== 'payment').map((i) => i.id);
      fleet.freeze(victim);
      await eventually(
        async () => {
          const now = await liveInstances(plane);
          return (
            replaced.every((id) => !now.some((i) => i.id === id)) &&
            now.filter((i) => i.app === 'catalog-db' && i.state === 'healthy').length === 1
          );
        },
        120_000,
        100,
      );
      const thawedAt = Date.now();
      fleet.thaw(victim);
      await eventually(() => replaced.every((id) => !fleet.running().has(id)), 60_000, 10);
      fenceMs.push(Date.now() - thawedAt);
      const reported = replaced.map((id) => stopping.get(id)).filter((t) => t !== undefined);
      if (reported.length > 0) reportMs.push(Math.min(...reported) - thawedAt);
      await convergedOnce(plane, fleet, 120_000);
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const result = {
      bench: 'fencing',
      heartbeat_ms: heartbeatMs,
      down_after_ms: downAfterMs,
      rounds,
      fence_ms: median(fenceMs),
      fence_ms_each: fenceMs,
      fence_report_ms: reportMs.length ? median(reportMs) : null,
      fence_target_ms: 2 * heartbeatMs,
      fence_target_met: Math.max(...fenceMs) <= 2 * heartbeatMs,
      load_avg_at_start: loadAtStart,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await nc.close();
    await fleet.close();
    await plane.close();
  }
}

runBench(main);
