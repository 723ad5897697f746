import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PLACEMENT_NODE_FLAGS } from '../../../services/placement/src';
import { distRoot as builtRoot } from '../dist-root';
import { PrefixedOutput } from './prefixed-output';
import type { LogLineRenderer } from './log-line-renderer';
import { spawnWithLifeline } from './spawn-with-lifeline';
import { forceStopProcess, isRunning, stopProcess, type Stoppable } from './stop-process';

/** A control-plane service that has been built: its name and its compiled main. */
export interface BuiltService {
  name: string;
  main: string;
}

/** The host agent is not a control-plane service: the demo (or the user) starts agents with their config. */
const notServices = new Set(['agent']);

/** Node flags of the services that are launched with some (each file says why). */
const nodeFlags: Readonly<Record<string, readonly string[]>> = { placement: PLACEMENT_NODE_FLAGS };

/**
 * Loaded first into every service: it stops the service as SIGTERM does once `federa up` is gone
 * (libs/runtime/src/parent-lifeline-preload.ts), without a line in any service's main.
 */
const lifelinePreload = join(builtRoot, 'libs', 'runtime', 'src', 'parent-lifeline-preload.js');

/** Every `services/<name>/src/main.js` under the build output, gateway first. */
export function discoverServices(distRoot: string): BuiltService[] {
  const servicesDir = join(distRoot, 'services');
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !notServices.has(entry.name))
    .map((entry) => ({ name: entry.name, main: join(servicesDir, entry.name, 'src', 'main.js') }))
    .filter((service) => existsSync(service.main))
    .sort((a, b) =>
      a.name === 'gateway' ? -1 : b.name === 'gateway' ? 1 : a.name.localeCompare(b.name),
    );
}

/** One service running as its own Node process, its output prefixed with its name. */
export class ServiceProcess implements Stoppable {
  private readonly output: PrefixedOutput;
  private readonly child: ChildProcess;
  private stopping = false;
  /** Resolves with the exit code (or signal) when the process ends, for whatever reason. */
  readonly exited: Promise<string>;

  constructor(
    readonly service: BuiltService,
    env: NodeJS.ProcessEnv,
    render?: LogLineRenderer,
  ) {
    this.output = new PrefixedOutput(service.name, render);
    // A process group of its own: Ctrl-C reaches the service through `federa up` only, so that
    // services stop before the NATS and Postgres they need. Its lifeline stops it should
    // `federa up` die.
    this.child = spawnWithLifeline(
      process.execPath,
      [...(nodeFlags[service.name] ?? []), '--require', lifelinePreload, service.main],
      { env },
    );
    this.output.attach(this.child.stdout);
    this.output.attach(this.child.stderr);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.output.line(`cannot start: ${error.message}`);
        resolve('error');
      });
      this.child.once('exit', (code, signal) => {
        const how = signal ?? `code ${code}`;
        if (!this.stopping) this.output.line(`exited unexpectedly (${how})`);
        resolve(how);
      });
    });
  }

  get name(): string {
    return this.service.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (isRunning(this.child)) await stopProcess(this.child, 'SIGTERM', 15_000);
  }

  forceStop(): Promise<void> {
    this.stopping = true;
    return forceStopProcess(this.child);
  }
}
