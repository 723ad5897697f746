// `npm run demo:load [-- --seconds N --rps R]`: drives the demo shop's front end above its scale-out
// threshold. The web instances' ports are read from the demo agents' instance tables (.federa/demo),
// rescanned every two seconds so that a scaled-out instance gets its share.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Target {
  instance: string;
  port: number;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const seconds = option('seconds', 60);
/** Requests per second per instance; the example apps count 50 rps as full load. */
const rps = option('rps', 60);
const demoDir = join(process.cwd(), '.federa', 'demo');

function webInstances(): Target[] {
  if (!existsSync(demoDir)) return [];
  const targets: Target[] = [];
  for (const host of readdirSync(demoDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const file = join(demoDir, host.name, 'instances.json');
    if (!existsSync(file)) continue;
    try {
      const table = JSON.parse(readFileSync(file, 'utf8')) as {
        instances: {
          spec: { instance: string; app: string };
          state: string;
          handle?: { port?: number };
        }[];
      };
      for (const row of table.instances) {
        if (
          row.spec.app === 'web' &&
          row.handle?.port &&
          ['running', 'healthy', 'unhealthy'].includes(row.state)
        ) {
          targets.push({ instance: row.spec.instance, port: row.handle.port });
        }
      }
    } catch {
      // a table being rewritten: next scan
    }
  }
  return targets;
}

async function main(): Promise<void> {
  let targets = webInstances();
  if (targets.length === 0) {
    process.stderr.write(
      `no web instances found under ${demoDir}: is \`federa up\` running with the demo?\n`,
    );
    process.exitCode = 1;
    return;
  }
  const end = Date.now() + seconds * 1000;
  let sent = 0;
  let failed = 0;
  const rescan = setInterval(() => {
    targets = webInstances();
    process.stdout.write(
      `${new Date().toISOString()} ${targets.length} web instances, ${sent} requests, ${failed} failed\n`,
    );
  }, 2000);
  const fire = setInterval(() => {
    for (const target of targets) {
      for (let i = 0; i < rps / 10; i++) {
        sent += 1;
        fetch(`http://127.0.0.1:${target.port}/`).then(
          (r) => r.arrayBuffer(),
          () => (failed += 1),
        );
      }
    }
  }, 100);
  await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
  clearInterval(fire);
  clearInterval(rescan);
  process.stdout.write(
    `done: ${sent} requests in ${seconds} s; the front end scales back in after its cooldown\n`,
  );
}

void main();
