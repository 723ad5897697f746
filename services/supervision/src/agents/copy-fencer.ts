import type { StopCommand } from '@federa/contracts';
import type { AgentCommandPort } from './agent-dispatcher';

/** Where the fencer says what it stopped, and what it could not. */
export interface FenceLog {
  log(message: string): void;
  warn(message: string): void;
}

/** A copy an agent holds that the log does not want there. */
export interface FencedCopy {
  host: string;
  instance: string;
  /** The epoch to fence the stop with: the agent run that reported the copy. */
  epoch: number;
  reason: string;
  /** Send no stop for this copy again within this long (the agent's heartbeat interval). */
  everyMs: number;
}

/** How long a fenced agent is given to stop a copy before it is killed (same as any stop). */
const fenceGraceMs = 5000;

/** A handled copy is remembered at least this long (past any heartbeat interval), at most twice it. */
const rememberMs = 60_000;

/**
 * Stops the copies that agents hold against the log: at most one stop per copy per heartbeat
 * interval, sent again for as long as the agent goes on reporting the copy in a live state. Each
 * send has its own command id: an agent answers a repeated id without acting again, and a stop
 * that failed on the host (the copy went back to running) must be acted on. The instance's stream
 * is never touched: the copy is not the instance the log knows.
 */
export class CopyFencer {
  /**
   * When each copy was last handled, in two generations: `current` since `since`, `previous` the one
   * window before. Turning the page drops the older generation whole, so that forgetting costs nothing
   * per call however many copies there are.
   */
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private since: number | undefined;
  private sends = 0;
  /** Stops sent so far, for metrics and tests. */
  get sent(): number {
    return this.sends;
  }

  /** Copies remembered as handled (at most those of the last two windows), for metrics and tests. */
  get remembered(): number {
    return this.current.size + this.previous.size;
  }

  constructor(
    private readonly link: AgentCommandPort,
    private readonly log: FenceLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when a stop (or a log read) for this copy went out less than `everyMs` ago. */
  recentlyFenced(host: string, instance: string, everyMs: number): boolean {
    const key = `${host}/${instance}`;
    const at = this.current.get(key) ?? this.previous.get(key);
    return at !== undefined && this.now() - at < everyMs;
  }

  /** Marks the copy as handled now (a stop sent, or its stream read) until `everyMs` passes. */
  touch(host: string, instance: string): void {
    this.turnPage();
    this.current.set(`${host}/${instance}`, this.now());
  }

  async fence(copy: FencedCopy): Promise<void> {
    if (this.recentlyFenced(copy.host, copy.instance, copy.everyMs)) return;
    this.touch(copy.host, copy.instance);
    this.sends += 1;
    const command: StopCommand = {
      commandId: `fence-${copy.instance}-e${copy.epoch}-${this.sends}`,
      epoch: copy.epoch,
      type: 'stop',
      instance: copy.instance,
      graceMs: fenceGraceMs,
    } as StopCommand;
    this.log.log(`stop ${copy.instance} on ${copy.host}: ${copy.reason}`);
    try {
      await this.link.send(copy.host, command);
    } catch (error) {
      this.log.warn(
        `stop ${copy.instance} on ${copy.host} (${copy.reason}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private turnPage(): void {
    const now = this.now();
    this.since ??= now;
    const age = now - this.since;
    if (age < rememberMs) return;
    // After a quiet spell of two windows or more even the current generation is too old to keep.
    this.previous = age < 2 * rememberMs ? this.current : new Map();
    this.current = new Map();
    this.since = now;
  }
}
