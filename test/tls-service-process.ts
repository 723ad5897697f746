import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A Federa service started from its `main.ts` as a process of its own, with its output kept. */
export class ServiceProcess {
  private readonly chunks: string[] = [];
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => this.chunks.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.chunks.push(chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Starts `services/<service>/src/main.ts` with `env` over a copy of this process's environment
   * from which every bus and database security variable was removed: each test says what it gives.
   */
  static start(service: string, env: Record<string, string>): ServiceProcess {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !/^FEDERA_(NATS_TLS_|NATS_CREDENTIALS|DATABASE_)/.test(name),
      ),
    );
    return new ServiceProcess(
      spawn(
        process.execPath,
        ['-r', './bench/eventstore-register.js', `services/${service}/src/main.ts`],
        {
          cwd: join(__dirname, '..'),
          env: { ...inherited, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
  }

  get output(): string {
    return this.chunks.join('');
  }

  /** Ends the process (if it still runs) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
