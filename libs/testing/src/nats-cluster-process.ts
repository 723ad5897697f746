import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freeTcpPort } from '../../runtime/src/free-tcp-port';
import { natsServerBinary, waitForPort } from './nats-server-process';

/** One server of a NatsClusterProcess: its name (`node-1` …), client port and route port. */
export interface NatsClusterNode {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly url: string;
}

/**
 * A local nats-server cluster with JetStream of a test's own (3 nodes unless told): each node on
 * free client and route ports, with its own `server_name` and store directory in one temp dir, and
 * routes to every other node. A test may SIGKILL a node and start it again on the same store.
 */
export class NatsClusterProcess {
  private readonly children = new Map<string, ChildProcess>();

  private constructor(
    readonly dir: string,
    readonly nodes: readonly NatsClusterNode[],
    private readonly logTo: ((node: string, text: string) => void) | undefined,
  ) {}

  static async start(
    options: { size?: number; logTo?: (node: string, text: string) => void } = {},
  ): Promise<NatsClusterProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'federa-nats-cluster-'));
    const nodes: NatsClusterNode[] = [];
    for (let i = 1; i <= (options.size ?? 3); i++) {
      const port = await freeTcpPort();
      nodes.push({
        name: `node-${i}`,
        port,
        clusterPort: await freeTcpPort(),
        url: `nats://127.0.0.1:${port}`,
      });
    }
    const cluster = new NatsClusterProcess(dir, nodes, options.logTo);
    try {
      for (const node of nodes) cluster.writeConfig(node);
      for (const node of nodes) cluster.spawnNode(node);
      await Promise.all(nodes.map((node) => waitForPort(node.port, 10_000)));
      await cluster.waitForJetStream(20_000);
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** Every node's URL, comma-separated, as `FEDERA_NATS_URL` takes a cluster. */
  get url(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  node(name: string): NatsClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name} in this cluster`);
    return node;
  }

  isRunning(name: string): boolean {
    const child = this.children.get(name);
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  /** Ends one node at once (SIGKILL unless told), as a crash would. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(name);
    if (!child || !this.isRunning(name)) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    this.children.delete(name);
  }

  /** Starts a killed node again on its own store. */
  async restart(name: string): Promise<void> {
    await this.kill(name);
    const node = this.node(name);
    this.spawnNode(node);
    await waitForPort(node.port, 10_000);
  }

  /** Ends every node and removes the stores. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.kill(n.name, 'SIGTERM')));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Waits until JetStream answers through the cluster (its meta leader elected, a few seconds after
   * the nodes start or after the leader dies); throws after `timeoutMs`.
   */
  async waitForJetStream(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const nc = await connect({ servers: this.nodes.map((n) => n.url), timeout: 2000 });
    try {
      for (;;) {
        try {
          const jsm = await nc.jetstreamManager({ timeout: 1000 });
          await jsm.getAccountInfo();
          return;
        } catch (error) {
          if (Date.now() > deadline)
            throw new Error(
              `JetStream of the cluster not ready after ${timeoutMs} ms: ${String(error)}`,
            );
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      await nc.close();
    }
  }

  private writeConfig(node: NatsClusterNode): void {
    const store = join(this.dir, node.name);
    mkdirSync(store, { recursive: true });
    const routes = this.nodes
      .filter((n) => n !== node)
      .map((n) => `nats-route://127.0.0.1:${n.clusterPort}`);
    writeFileSync(
      join(this.dir, `${node.name}.conf`),
      [
        `server_name: ${node.name}`,
        `listen: 127.0.0.1:${node.port}`,
        `jetstream { store_dir: ${JSON.stringify(store)} }`,
        'cluster {',
        '  name: federa-test',
        `  listen: 127.0.0.1:${node.clusterPort}`,
        `  routes: [${routes.join(', ')}]`,
        '}',
        '',
      ].join('\n'),
    );
  }

  private spawnNode(node: NatsClusterNode): void {
    const binary = natsServerBinary();
    if (!binary) throw new Error('nats-server not found (apt-get install -y nats-server)');
    const child = spawn(binary, ['-c', join(this.dir, `${node.name}.conf`)], {
      stdio: this.logTo ? ['ignore', 'pipe', 'pipe'] : 'ignore',
    });
    if (this.logTo) {
      child.stdout?.on('data', (chunk: Buffer) => this.logTo?.(node.name, chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => this.logTo?.(node.name, chunk.toString()));
    }
    this.children.set(node.name, child);
  }
}
