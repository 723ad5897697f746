import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distRoot } from '../dist-root';
import { PrefixedOutput } from './prefixed-output';
import { stopProcess, type Stoppable } from './stop-process';

/** What the demo is given: where the cluster answers and how to log. */
export interface DemoContext {
  apiUrl: string;
  token: string;
  natsUrl: string;
  env: NodeJS.ProcessEnv;
  log(line: string): void;
}

/** Four process-layer hosts over two sites: enough for web ×2, payment apart, and a third web when scaled out. */
const demoHosts = [
  { host: 'demo-geneva-1', site: 'geneva' },
  { host: 'demo-geneva-2', site: 'geneva' },
  { host: 'demo-lausanne-1', site: 'lausanne' },
  { host: 'demo-lausanne-2', site: 'lausanne' },
];

const repoRoot = join(distRoot, '..');

/**
 * The hook where `federa up` (without --no-demo) starts demo agents and the demo service: four local
 * agents (process layer, configs generated under .federa/demo), then the patent's e-commerce service
 * (examples/shop.yaml) applied and deployed. Answers the agents, for `federa up` to stop.
 */
export async function startDemo(context: DemoContext): Promise<Stoppable[]> {
  const dir = join(process.cwd(), '.federa', 'demo');
  const agents = demoHosts.map(({ host, site }) => {
    const dataDir = join(dir, host);
    mkdirSync(dataDir, { recursive: true });
    const config = join(dir, `${host}.yaml`);
    writeFileSync(config, hostYaml(host, site));
    return new DemoAgent(host, config, dataDir, context.env);
  });
  context.log(`demo: started agents ${demoHosts.map((h) => h.host).join(', ')}`);
  try {
    await deployShop(context);
    context.log(
      'demo: shop applied and deploying — `federa describe service shop`; drive load with `npm run demo:load`',
    );
  } catch (error) {
    context.log(
      `demo: could not deploy the shop: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return agents;
}

function hostYaml(host: string, site: string): string {
  return [
    `host: ${host}`,
    `site: ${site}`,
    'securityLevel: 3',
    'layers: [process]',
    'capacity: { cpu: 4, memory: 8Gi, storage: 200Gi, bandwidth: 1Gbps }',
    'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.10, networkGiB: 0.01 }',
    '',
  ].join('\n');
}

/** Applies and deploys examples/shop.yaml, retrying while supervision and the agents come up. */
async function deployShop(context: DemoContext): Promise<void> {
  const spec = readFileSync(join(repoRoot, 'examples', 'shop.yaml'), 'utf8');
  const headers = { authorization: `Bearer ${context.token}` };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const applied = await fetch(`${context.apiUrl}/v1/services/shop`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/yaml' },
        body: spec,
      });
      if (!applied.ok) throw new Error(`apply answered ${applied.status}: ${await applied.text()}`);
      const deployed = await fetch(`${context.apiUrl}/v1/services/shop/deploy`, {
        method: 'POST',
        headers,
      });
      if (!deployed.ok)
        throw new Error(`deploy answered ${deployed.status}: ${await deployed.text()}`);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** One demo agent as its own process (`federa-agent --config`), its output prefixed with its host. */
class DemoAgent implements Stoppable {
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    config: string,
    dataDir: string,
    env: NodeJS.ProcessEnv,
  ) {
    const output = new PrefixedOutput(name);
    this.child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'federa-agent.js'), '--config', config, '--data-dir', dataDir],
      {
        cwd: repoRoot,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    output.attach(this.child.stdout);
    output.attach(this.child.stderr);
  }

  stop(): Promise<void> {
    return stopProcess(this.child, 'SIGTERM', 10_000);
  }
}
