import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { spawnWithLifeline } from '../../cli/src/up/spawn-with-lifeline';
import { forceStopProcess, isRunning, stopProcess } from '../../cli/src/up/stop-process';

/**
 * A process the soak started: in a group of its own with a lifeline (as `federa up` starts its
 * children), so that it stops should the soak die however it dies, even by kill -9; its output goes
 * to a log file of the work directory, not into the soak's memory.
 */
export class SoakProcess {
  private readonly log: WriteStream;
  private stopping = false;
  readonly exited: Promise<string>;

  constructor(
    /** What the summary calls it: a service's name, `sim-agent`, `agent-<host>`. */
    readonly name: string,
    private readonly child: ChildProcess,
    logFile: string,
    onUnexpectedExit: (name: string, how: string) => void,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        const how = signal ?? `code ${code}`;
        if (!this.stopping) onUnexpectedExit(name, how);
        resolve(how);
      }),
    );
  }

  static start(
    name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
    logFile: string,
    onUnexpectedExit: (name: string, how: string) => void,
  ): SoakProcess {
    const child = spawnWithLifeline(process.execPath, args, { env, cwd });
    return new SoakProcess(name, child, logFile, onUnexpectedExit);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return isRunning(this.child);
  }

  /** SIGTERM, then the whole group SIGKILLed after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    await stopProcess(this.child, 'SIGTERM', graceMs);
    this.log.end();
  }

  /** The whole group SIGKILLed at once. */
  async forceStop(): Promise<void> {
    this.stopping = true;
    await forceStopProcess(this.child);
    this.log.end();
  }
}
