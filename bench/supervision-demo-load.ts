// `npm run demo:load [-- --seconds N --rps R]`: drives the demo shop's front end above its
// scale-out threshold so that autoscaling can be watched, then watches it scale back in.
// A fixed total rate is spread over the web instances, so that a new instance lowers everyone's
// load: with the defaults (90 requests/s, an example app's capacity 50/s) two instances carry
// 0.9 each (above 0.75: scale out), three carry 0.6 (within the thresholds: stay at three).
// The instances' ports come from the demo agents' instance tables (.federa/demo), rescanned every
// two seconds; every request goes to 127.0.0.1, and the run ends by itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FileAgentStateStore } from '../services/agent/src';

interface Target {
  instance: string;
  port: number;
}

interface WebScaling {
  scaleOutAbove: number;
  scaleInBelow: number;
  cooldownMs: number;
  min: number;
}

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive number, got ${String(args[at + 1])}\n`);
    process.exit(2);
  }
  return value;
}
const seconds = option('seconds', 60);
/** Requests per second in all, spread evenly over the web instances. */
const rps = option('rps', 90);
/** How long to watch for the scale-in once the load stops. */
const watchSeconds = option('watch', 150);
// npm runs scripts in the package's folder; INIT_CWD is where `npm run` was typed, as `federa up` was.
const cwd = process.env.INIT_CWD ?? process.cwd();
const demoDir = join(cwd, '.federa', 'demo');
const repoRoot = join(__dirname, '..');
const demoHosts = ['demo-geneva-1', 'demo-geneva-2', 'demo-lausanne-1', 'demo-lausanne-2'];
const capacityRps = Number(process.env.FEDERA_CAPACITY_RPS || 50);
const started = Date.now();

function say(line: string): void {
  const at = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`[${String(at).padStart(4)} s] ${line}\n`);
}

function webScaling(): WebScaling {
  const spec = parse(readFileSync(join(repoRoot, 'examples', 'shop.yaml'), 'utf8')) as {
    spec: {
      applications: { name: string; scaling: WebScaling; replicas: { min: number } }[];
    };
  };
  const web = spec.spec.applications.find((a) => a.name === 'web');
  if (!web) throw new Error('examples/shop.yaml has no web application');
  return { ...web.scaling, min: web.replicas.min };
}

async function webInstances(): Promise<Target[]> {
  const targets: Target[] = [];
  for (const host of demoHosts) {
    try {
      for (const row of await new FileAgentStateStore(join(demoDir, host)).loadInstances()) {
        const port = Number(row.handle?.port);
        if (row.spec.app === 'web' && port > 0 && ['running', 'healthy'].includes(row.state)) {
          targets.push({ instance: row.spec.instance, port });
        }
      }
    } catch {
      // no such agent, or a table being rewritten: next scan
    }
  }
  return targets.sort((a, b) => a.instance.localeCompare(b.instance));
}

/** The instance's own `federa_load` gauge (its requests over the last 10 s against its capacity). */
async function loadOf(target: Target): Promise<string> {
  try {
    const text = await (
      await fetch(`http://127.0.0.1:${target.port}/metrics`, { signal: AbortSignal.timeout(1000) })
    ).text();
    const match = /^federa_load\s+(\S+)/m.exec(text);
    return match ? Number(match[1]).toFixed(2) : '?';
  } catch {
    return '?';
  }
}

async function describe(targets: Target[]): Promise<string> {
  const loads = await Promise.all(targets.map(loadOf));
  return targets.map((t, i) => `${t.instance} ${loads[i]}`).join(', ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const scaling = webScaling();
  let targets = await webInstances();
  if (targets.length === 0) {
    process.stderr.write(
      `no running web instance found under ${demoDir}: start \`npx federa up\` (with its demo) in ${cwd} first\n`,
    );
    process.exitCode = 1;
    return;
  }
  const initial = targets.length;
  const perInstance = (n: number) => (rps / n / capacityRps).toFixed(2);
  say(
    `sending ${rps} requests/s to the shop's web instances for ${seconds} s, spread evenly ` +
      `(an instance counts ${capacityRps}/s as full load).`,
  );
  say(
    `the shop scales web out above ${scaling.scaleOutAbove} and in below ${scaling.scaleInBelow} ` +
      `after ${scaling.cooldownMs / 1000} s: with ${initial} instances each carries ` +
      `${perInstance(initial)}, with ${initial + 1} ${perInstance(initial + 1)}.`,
  );
  say('watch it with `npx federa describe service shop` or `npx federa events --follow`.');

  let sent = 0;
  let failed = 0;
  let next = 0;
  const end = Date.now() + seconds * 1000;
  const fire = setInterval(() => {
    for (let i = 0; i < rps / 10 && targets.length > 0; i++) {
      const target = targets[next++ % targets.length];
      sent += 1;
      fetch(`http://127.0.0.1:${target.port}/`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.arrayBuffer(),
        () => (failed += 1),
      );
    }
  }, 100);
  while (Date.now() < end) {
    await sleep(Math.min(2000, end - Date.now()));
    const now = await webInstances();
    if (now.length !== targets.length) {
      say(
        `web ${now.length > targets.length ? 'scaled out' : 'scaled in'}: ${targets.length} → ${now.length} instances`,
      );
    }
    targets = now;
    say(
      `${targets.length} web instances, load ${await describe(targets)}; ${sent} sent, ${failed} failed`,
    );
  }
  clearInterval(fire);
  const peak = targets.length;
  say(`load stopped: ${sent} requests sent, ${failed} failed.`);
  if (peak <= scaling.min) {
    say(
      `web did not scale out (still ${peak}): is the shop available? see \`npx federa describe service shop\``,
    );
    return;
  }
  say(
    `now watching web scale back in to ${scaling.min} once its load has stayed below ` +
      `${scaling.scaleInBelow} for ${scaling.cooldownMs / 1000} s (at most ${watchSeconds} s; Ctrl-C to leave).`,
  );
  const watchEnd = Date.now() + watchSeconds * 1000;
  let last = targets.length;
  while (Date.now() < watchEnd) {
    await sleep(2000);
    const count = (await webInstances()).length;
    if (count !== last) say(`web scaled in: ${last} → ${count} instances`);
    last = count;
    if (count <= scaling.min) {
      say(`web is back to ${count} instances: done.`);
      return;
    }
  }
  say(
    `web still has ${last} instances after ${watchSeconds} s: see \`npx federa describe service shop\``,
  );
}

void main();
