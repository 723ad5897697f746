import type { LogLineRenderer } from './log-line-renderer';
import { ServiceProcess, type BuiltService } from './service-processes';
import type { Stoppable } from './stop-process';

/** Waits before restarting a service that died: doubling from 1 s up to 30 s, as a crash loop backs off. */
export function restartDelayMs(restarts: number): number {
  return Math.min(30_000, 1000 * 2 ** restarts);
}

/** A run this long counts as healthy again: the next crash restarts after the shortest wait. */
const healthyRunMs = 60_000;

/**
 * A service `federa up` keeps running. While Federa starts, a death is the caller's to handle
 * (`firstExit`); once keepRunning() is called, a process that dies is started again after a backoff,
 * as docker-compose's `restart: unless-stopped` does.
 */
export class RestartingService implements Stoppable {
  private current: ServiceProcess;
  private startedAt = Date.now();
  private keeping = false;
  private stopped = false;
  private restarts = 0;
  private timer: NodeJS.Timeout | undefined;
  /** How the process ended while start-up still watched it, if it did. */
  private exitedBeforeKeeping: string | undefined;
  /** How the first process ended: what start-up watches. */
  readonly firstExit: Promise<string>;

  constructor(
    readonly service: BuiltService,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly render?: LogLineRenderer,
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
    if (this.exitedBeforeKeeping !== undefined) this.onExit(this.current, this.exitedBeforeKeeping);
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

  private launch(): ServiceProcess {
    const running = new ServiceProcess(this.service, this.env, this.render);
    this.startedAt = Date.now();
    void running.exited.then((how) => this.onExit(running, how));
    return running;
  }

  private onExit(ended: ServiceProcess, how: string): void {
    if (this.stopped || ended !== this.current) return;
    if (!this.keeping) {
      this.exitedBeforeKeeping = how;
      return;
    }
    this.exitedBeforeKeeping = undefined;
    if (Date.now() - this.startedAt >= healthyRunMs) this.restarts = 0;
    const delayMs = restartDelayMs(this.restarts++);
    this.log(`${this.name} exited (${how}): restarting it in ${delayMs / 1000} s`);
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      try {
        this.current = this.launch();
      } catch (error) {
        // Spawning itself failed (no memory, say): try again later rather than end `federa up`.
        this.log(`${this.name} could not be restarted: ${(error as Error).message}`);
        this.onExit(this.current, 'not started');
        return;
      }
      this.log(`${this.name} restarted (pid ${this.current.pid ?? 'unknown'})`);
    }, delayMs);
  }
}
