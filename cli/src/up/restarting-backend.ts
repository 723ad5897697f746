import type { BackendProcess } from './backend-process';
import { healthyRunMs, restartDelayMs } from './restarting-service';
import type { Stoppable } from './stop-process';

/** Starts one run of a backend; throws when it cannot even be spawned. */
export type LaunchBackend = () => BackendProcess;

/**
 * A backend (PostgreSQL, NATS) that `federa up` started and keeps running: a run that dies is
 * started again at the same address with the same data directory, after the services' backoff
 * (1 s doubling to 30 s while it keeps dying), so that the URLs the services were given stay
 * true and they reconnect on their own.
 */
export class RestartingBackend implements Stoppable {
  private current: BackendProcess | undefined;
  private stopped = false;
  private restarts = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    /** Where it listens, for messages: `127.0.0.1:4222`. */
    readonly address: string,
    private readonly launchProcess: LaunchBackend,
    private readonly log: (line: string) => void,
  ) {}

  /** The pid of the run now, if any. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  /**
   * Starts the first run and waits until it accepts connections; a first run that fails is killed
   * and its error thrown: a backend that cannot start at all is a setting to fix, not a crash.
   */
  async start(): Promise<void> {
    const first = this.launchProcess();
    this.current = first;
    try {
      await first.ready;
    } catch (error) {
      this.stopped = true;
      await first.forceStop();
      throw error;
    }
    this.watch(first, Date.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.stop();
  }

  async forceStop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.forceStop();
  }

  /** Watches a run that is ready since `readyAt` until it ends. */
  private watch(run: BackendProcess, readyAt: number): void {
    void run.exited.then((how) => {
      if (this.stopped || run !== this.current) return;
      this.restartLater(
        Date.now() - readyAt,
        (delayS) =>
          `${this.name} exited unexpectedly (${how}): restarting it on ${this.address} in ${delayS} s`,
      );
    });
  }

  private restartLater(ranMs: number, announce: (delayS: number) => string): void {
    if (ranMs >= healthyRunMs) this.restarts = 0;
    const delayMs = restartDelayMs(this.restarts++);
    this.log(announce(delayMs / 1000));
    this.timer = setTimeout(() => void this.restart(), delayMs);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    let run: BackendProcess;
    try {
      run = this.launchProcess();
    } catch (error) {
      this.retryLater(error);
      return;
    }
    this.current = run;
    try {
      await run.ready;
    } catch (error) {
      if (this.stopped || run !== this.current) return;
      // Not ready in time but still running, or dead already: either way gone before the next try.
      await run.forceStop();
      if (!this.stopped) this.retryLater(error);
      return;
    }
    if (this.stopped) return;
    this.log(`${this.name} restarted on ${this.address} (pid ${run.pid ?? 'unknown'})`);
    this.watch(run, Date.now());
  }

  /** A run that never became ready counts as no run at all: the backoff keeps growing. */
  private retryLater(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.restartLater(
      0,
      (delayS) => `${this.name} did not start again (${reason}): trying again in ${delayS} s`,
    );
  }
}
