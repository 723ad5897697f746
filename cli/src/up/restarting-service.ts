import { backoffCeilingMs, type BackoffPolicy } from '@federa/runtime/backoff';
import type { LogLineRenderer } from './log-line-renderer';
import { ServiceProcess, type BuiltService } from './service-processes';
import type { Stoppable } from './stop-process';

/** @default baseMs 1 s, maxMs 30 s */
const restartBackoff: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

/**
 * Waits before restarting a service that died: doubling from 1 s up to 30 s, as a crash loop backs
 * off. The shared backoff's ceiling, without jitter: each service is one local process with no herd
 * to spread, and the wait is announced ("restarting it in 4 s").
 */
export function restartDelayMs(restarts: number): number {
  return backoffCeilingMs(restarts, restartBackoff);
}

/** A run this long counts as healthy again: the next crash restarts after the shortest wait. */
export const healthyRunMs = 60_000;

/** What RestartingService needs of a running service process. */
export type ServiceProcessLike = Pick<ServiceProcess, 'exited' | 'pid' | 'stop' | 'forceStop'>;

/** Starts one process of a service; throws when it cannot even be spawned. */
export type LaunchServiceProcess = (
  service: BuiltService,
  env: NodeJS.ProcessEnv,
  render?: LogLineRenderer,
) => ServiceProcessLike;

const spawnServiceProcess: LaunchServiceProcess = (service, env, render) =>
  new ServiceProcess(service, env, render);

/** How a process ended and how long it had run. */
interface Ending {
  how: string;
  ranMs: number;
}

/**
 * A service `federa up` keeps running. While Federa starts, a death is the caller's to handle
 * (`firstExit`); once keepRunning() is called, a process that dies is started again after a backoff,
 * as docker-compose's `restart: unless-stopped` does.
 */
export class RestartingService implements Stoppable {
  private current: ServiceProcessLike;
  private keeping = false;
  private stopped = false;
  private restarts = 0;
  private timer: NodeJS.Timeout | undefined;
  /** How the process ended while start-up still watched it, if it did. */
  private endedBeforeKeeping: Ending | undefined;
  /** How the first process ended: what start-up watches. */
  readonly firstExit: Promise<string>;

  constructor(
    readonly service: BuiltService,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly render?: LogLineRenderer,
    private readonly launchProcess: LaunchServiceProcess = spawnServiceProcess,
  ) {
    this.current = this.launch();
    this.firstExit = this.current.exited;
  }

  get name(): string {
    return this.service.name;
  }

  /** From now on, a process that dies is restarted (one that died just before, too). */
  keepRunning(): void {
    this.keeping = true;
    const ended = this.endedBeforeKeeping;
    if (ended !== undefined) this.onExit(this.current, ended);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current.stop();
  }

  forceStop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    return this.current.forceStop();
  }

  private launch(): ServiceProcessLike {
    const running = this.launchProcess(this.service, this.env, this.render);
    const startedAt = Date.now();
    void running.exited.then((how) => this.onExit(running, { how, ranMs: Date.now() - startedAt }));
    return running;
  }

  private onExit(ended: ServiceProcessLike, { how, ranMs }: Ending): void {
    if (this.stopped || ended !== this.current) return;
    if (!this.keeping) {
      this.endedBeforeKeeping = { how, ranMs };
      return;
    }
    this.endedBeforeKeeping = undefined;
    this.restartLater(
      ranMs,
      (delayS) => `${this.name} exited (${how}): restarting it in ${delayS} s`,
    );
  }

  private restartLater(ranMs: number, announce: (delayS: number) => string): void {
    if (ranMs >= healthyRunMs) this.restarts = 0;
    const delayMs = restartDelayMs(this.restarts++);
    this.log(announce(delayMs / 1000));
    this.timer = setTimeout(() => this.restart(), delayMs);
  }

  private restart(): void {
    if (this.stopped) return;
    try {
      this.current = this.launch();
    } catch (error) {
      // Spawning itself failed (no memory, say): try again later rather than end `federa up`. It ran
      // for no time, so the backoff keeps growing however long the process before it had lived.
      const reason = error instanceof Error ? error.message : String(error);
      this.restartLater(
        0,
        (delayS) => `${this.name} could not be restarted (${reason}): trying again in ${delayS} s`,
      );
      return;
    }
    this.log(`${this.name} restarted (pid ${this.current.pid ?? 'unknown'})`);
  }
}
