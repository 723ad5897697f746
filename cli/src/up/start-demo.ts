import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { endpointText } from '@federa/contracts';
import { AGENT_NODE_FLAGS } from '../../../services/agent/src';
import { distRoot, stateDir } from '../dist-root';
import { DemoApi, hostsRegistered, shopIsStopped, shopProgress, type ShopView } from './demo-api';
import { liveDemoWorkloads, signalWorkloads } from './demo-workloads';
import type { LogLineRenderer } from './log-line-renderer';
import { PrefixedOutput } from './prefixed-output';
import { spawnWithLifeline } from './spawn-with-lifeline';
import { forceStopProcess, stopProcess, type Stoppable } from './stop-process';

/** What the demo is given: where the cluster answers, the environment of its agents, how to log. */
export interface DemoContext {
  apiUrl: string;
  token: string;
  env: NodeJS.ProcessEnv;
  log(line: string): void;
  render?: LogLineRenderer;
  /** FEDERA_NATS_CREDENTIALS of a host's agent, on a bus with credentials. */
  agentCredentials?: (host: string) => string;
}

/** Four process-layer hosts over two sites: enough for web ×2, payment apart, and a third web when scaled out. */
const demoHosts = [
  { host: 'demo-geneva-1', site: 'geneva' },
  { host: 'demo-geneva-2', site: 'geneva' },
  { host: 'demo-lausanne-1', site: 'lausanne' },
  { host: 'demo-lausanne-2', site: 'lausanne' },
];

/** The demo's host ids: `federa up` issues their agents credentials before its NATS starts. */
export const demoHostIds: readonly string[] = demoHosts.map((h) => h.host);

const repoRoot = join(distRoot, '..');
const registerTimeoutMs = 30_000;
const deployTimeoutMs = 60_000;
const availableTimeoutMs = 90_000;
/** How long Ctrl-C waits for the shop's instances to stop through the API before killing them. */
const stopTimeoutMs = 20_000;
const workloadGraceMs = 3_000;

/** Where the demo keeps its agents' configs and data (instance tables): `./.federa/demo`. */
export function demoDir(cwd = process.cwd()): string {
  return join(stateDir(cwd), 'demo');
}

/**
 * The demo of `federa up` (without --no-demo): four local agents (process layer, configs and data
 * under .federa/demo) and the e-commerce service of examples/shop.yaml on them. Stopping it stops
 * the shop through the API, then the agents, then kills any workload the agents left running.
 */
export class Demo implements Stoppable {
  readonly name = 'demo';
  private readonly agents: DemoAgent[] = [];
  private readonly api: DemoApi;
  private readonly dir = demoDir();
  /** Aborted when stopping starts, so that a start still under way gives up. */
  private readonly stopping = new AbortController();

  constructor(private readonly context: DemoContext) {
    this.api = new DemoApi(context.apiUrl, context.token);
  }

  /**
   * Starts the agents, waits (bounded) until they have registered, deploys the shop and waits
   * (bounded) until it is available, saying how it goes; never throws.
   */
  async start(): Promise<void> {
    const { log } = this.context;
    const cancel = this.stopping.signal;
    // Hosts left `ready` by a previous run look registered: a new registration raises the epoch.
    const before = new Map((await this.api.hosts().catch(() => [])).map((h) => [h.id, h.epoch]));
    // stop() may have come meanwhile and found no agent to stop: then none may start.
    if (cancel.aborted) return;
    this.startAgents();
    const hosts = this.hostNames();
    const registered = await this.api.waitFor(
      () => this.api.hosts(),
      (now) => hostsRegistered(hosts, before, now),
      registerTimeoutMs,
      { cancel },
    );
    if (cancel.aborted) return;
    if (registered.done) log('demo: agents registered');
    else
      log(
        `demo: not every agent registered within ${registerTimeoutMs / 1000} s: deploying all the same`,
      );

    try {
      await this.api.deployShop(join(repoRoot, 'examples', 'shop.yaml'), deployTimeoutMs, cancel);
    } catch (error) {
      log(`demo: could not deploy the shop: ${firstLine(error)}`);
      return;
    }
    if (cancel.aborted) return;
    log('demo: shop (examples/shop.yaml) applied and deploying');
    const available = await this.api.waitFor(
      () => this.api.shop(),
      (shop) => shop.state === 'available',
      availableTimeoutMs,
      {
        describe: (shop) => `${shop.state}: ${shopProgress(shop)}`,
        onChange: (shop) => log(`demo: shop ${shop.state} (${shopProgress(shop)})`),
        cancel,
      },
    );
    if (available.done && available.value) this.sayWhereTheShopIs(available.value);
    if (!available.done && !cancel.aborted) {
      log(
        `demo: the shop is not available after ${availableTimeoutMs / 1000} s (${available.value?.state ?? 'no answer'}): see \`npx federa describe service shop\``,
      );
    }
  }

  /** The web instances' addresses: what a user opens in a browser to shop. */
  private sayWhereTheShopIs(shop: ShopView): void {
    const web = shop.applications.find((a) => a.name === 'web');
    const urls = (web?.instances ?? [])
      .map((i) => (i as { endpoint?: { address: string; port: number } }).endpoint)
      .filter((e) => e !== undefined)
      .map((e) => `http://${endpointText(e)}/`);
    this.context.log(
      urls.length > 0
        ? `demo: the shop is open at ${urls.join(' and ')} (its products, a checkout through payment)`
        : 'demo: the shop is open at its web instances’ endpoints: see `npx federa get instances -o wide`',
    );
  }

  async stop(): Promise<void> {
    const { log } = this.context;
    this.stopping.abort();
    if (this.agents.length === 0) return;
    await this.stopShop();
    await Promise.all(this.agents.map((agent) => agent.stop()));
    log('demo: agents stopped');
    const leftovers = await liveDemoWorkloads(this.dir, this.hostNames());
    if (leftovers.length > 0) {
      log(
        `demo: ${leftovers.map((w) => `${w.instance} (pid ${w.pid})`).join(', ')} still running: stopping them`,
      );
      await signalWorkloads(leftovers, 'SIGTERM');
      await sleep(workloadGraceMs);
      await signalWorkloads(leftovers, 'SIGKILL');
    }
  }

  async forceStop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.agents.map((agent) => agent.forceStop()));
    const workloads = await liveDemoWorkloads(this.dir, this.hostNames());
    await signalWorkloads(workloads, 'SIGKILL');
    // Not our children, so no exit event: look until they are gone (a busy machine takes a moment).
    for (let waited = 0; waited < workloadGraceMs; waited += 50) {
      if ((await liveDemoWorkloads(this.dir, this.hostNames())).length === 0) return;
      await sleep(50);
    }
  }

  private startAgents(): void {
    // The shop's commands start with `node`: let that be the Node running `federa up`.
    const env = {
      ...this.context.env,
      PATH: [dirname(process.execPath), this.context.env.PATH].filter(Boolean).join(delimiter),
    };
    for (const { host, site } of demoHosts) {
      const dataDir = join(this.dir, host);
      mkdirSync(dataDir, { recursive: true });
      const config = join(this.dir, `${host}.yaml`);
      writeFileSync(config, hostYaml(host, site));
      const credentials = this.context.agentCredentials?.(host);
      const agentEnv = credentials ? { ...env, FEDERA_NATS_CREDENTIALS: credentials } : env;
      this.agents.push(new DemoAgent(host, config, dataDir, agentEnv, this.context.render));
    }
    this.context.log(`demo: started agents ${this.hostNames().join(', ')}`);
  }

  /** Stops the shop through the API and waits, bounded, until its instances have stopped. */
  private async stopShop(): Promise<void> {
    const { log } = this.context;
    const now = await this.api.shop().catch(() => undefined);
    if (now && shopIsStopped(now)) return;
    try {
      await this.api.stopShop();
      log('demo: stopping the shop');
    } catch (error) {
      // Never deployed, or the gateway is gone: what still runs is killed once the agents stop.
      log(`demo: cannot stop the shop through the API (${firstLine(error)})`);
      return;
    }
    const { done, value } = await this.api.waitFor(
      () => this.api.shop(),
      shopIsStopped,
      stopTimeoutMs,
    );
    if (done) log('demo: shop stopped');
    else if (value) log(`demo: the shop is still ${value.state} after ${stopTimeoutMs / 1000} s`);
  }

  private hostNames(): string[] {
    return demoHosts.map((h) => h.host);
  }
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

/** One demo agent as its own process (`federa-agent --config`), its output prefixed with its host. */
class DemoAgent {
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    config: string,
    dataDir: string,
    env: NodeJS.ProcessEnv,
    render?: LogLineRenderer,
  ) {
    const output = new PrefixedOutput(name, render);
    // The agent's cwd is the repository: the shop's commands name examples/apps/*.js relative to it.
    // Its lifeline makes it stop its instances, then itself, should `federa up` die.
    this.child = spawnWithLifeline(
      process.execPath,
      [
        ...AGENT_NODE_FLAGS,
        join(repoRoot, 'bin', 'federa-agent.js'),
        '--config',
        config,
        '--data-dir',
        dataDir,
      ],
      { cwd: repoRoot, env },
    );
    output.attach(this.child.stdout);
    output.attach(this.child.stderr);
  }

  stop(): Promise<void> {
    return stopProcess(this.child, 'SIGTERM', 10_000);
  }

  forceStop(): Promise<void> {
    return forceStopProcess(this.child);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
