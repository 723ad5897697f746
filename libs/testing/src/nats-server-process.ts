import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from '../../runtime/src/free-tcp-port';

/** Where a nats-server binary is: PATH or Debian's /usr/sbin. */
export function natsServerBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/bin']) {
    const candidate = join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A nats-server of a test's own, on a free port, that the test may stop and restart
 * without touching the shared server. JetStream state survives `restart()`.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'federa-nats-'));

  private constructor(
    readonly port: number,
    private readonly options: NatsServerOptions,
  ) {}

  /** `options.config`: a nats-server configuration file (authorization, tls, ...) read at start and at `reload()`. */
  static async start(options: NatsServerOptions = {}): Promise<NatsServerProcess> {
    const server = new NatsServerProcess(await freeTcpPort(), options);
    await server.startProcess();
    return server;
  }

  /** Makes the server read its configuration file again (SIGHUP), as `nats-server --signal reload` does. */
  reload(): void {
    if (!this.child || this.child.exitCode !== null) throw new Error('nats-server is not running');
    this.child.kill('SIGHUP');
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /**
   * Ends the server: SIGTERM, then SIGKILL if it has not exited 5 s later. A server already dead (of
   * an exit or of a signal, whose `exit` event has fired and will not again) is not waited for.
   */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const stubborn = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(stubborn);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async startProcess(): Promise<void> {
    const binary = natsServerBinary();
    if (!binary) throw new Error('nats-server not found (apt-get install -y nats-server)');
    this.child = spawn(
      binary,
      [
        ...(this.options.config ? ['-c', this.options.config] : []),
        '-a',
        '127.0.0.1',
        '-p',
        String(this.port),
        ...(this.options.jetStreamInConfig ? [] : ['-js', '-sd', this.storeDir]),
      ],
      { stdio: this.options.logTo ? ['ignore', 'pipe', 'pipe'] : 'ignore' },
    );
    if (this.options.logTo) {
      this.child.stdout?.on('data', (chunk: Buffer) => this.options.logTo?.(chunk.toString()));
      this.child.stderr?.on('data', (chunk: Buffer) => this.options.logTo?.(chunk.toString()));
    }
    await waitForPort(this.port, 10_000);
  }
}

export interface NatsServerOptions {
  /** Path of a nats-server configuration file; the command line's address, port and store win over it. */
  config?: string;
  /** Receives the server's log output (to see why it refused a client or a configuration). */
  logTo?: (text: string) => void;
  /**
   * The configuration enables JetStream itself (`jetstream: { store_dir: … }`): `-js -sd` are left
   * out. A test that calls `reload()` with JetStream needs it: nats-server 2.9 shuts JetStream down
   * on a reload when `-js` came from the command line, and refuses `-sd` beside a `store_dir`.
   */
  jetStreamInConfig?: boolean;
}

export async function waitForPort(
  port: number,
  timeoutMs: number,
  host = '127.0.0.1',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
