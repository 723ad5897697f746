import type { ListInstancesQuery } from '@federa/contracts';
import { logStart, type EventStore, type LogCheckpoint } from '@federa/eventstore';
import { backoffDelayMs } from '@federa/runtime/backoff';
import type { Pool } from 'pg';
import { InstanceListIndex } from './domain/instance-list-index';
import type { InstanceView } from './domain/instance-view';
import { compareCheckpoints, LogHeadWatch } from './log-head-watch';

/**
 * Fills memory from a snapshot (`put` each instance under its stream's id) and says the log
 * checkpoint the snapshot was taken at; memory reads the log from there.
 */
export type InstanceListSnapshot = (
  put: (view: InstanceView, id: string) => void,
) => Promise<LogCheckpoint>;

export interface InstanceListFollowerOptions {
  /** Wait between looks at the log while nobody asks; @default 50 ms */
  pollMs?: number;
  /** Wait before trying again after a failure; @default 1000 ms */
  retryDelayMs?: number;
  /** Told of every failure it recovers from, in one line; @default console.error */
  logError?: (message: string) => void;
  /**
   * Where memory starts: a snapshot of a read model the caller owns (supervision's rows); without
   * one, memory starts empty at the log's start and folds the whole log.
   */
  snapshot?: InstanceListSnapshot;
}

/**
 * Every instance in this process's memory (InstanceListIndex), loaded once from a snapshot when
 * given one (a read model's rows and the checkpoint they were written at) or folded from the log's
 * start, then kept by reading the log itself: each process follows on its own, whoever writes a
 * read model. A list is answered from memory only once memory holds the log's head as read after
 * the list arrived, so it never misses what its caller saw committed; whenever that cannot be shown
 * (not loaded yet, the log unreadable, the head not reached within the wait), `pageWhenCurrent`
 * answers undefined and the caller answers another way (a read model, the service that owns it).
 */
export class InstanceListFollower {
  private readonly index = new InstanceListIndex();
  private readonly heads: LogHeadWatch;
  private checkpoint: LogCheckpoint | undefined;
  /** The last catch-up read the log to its end (a short page): a list then waits for little. */
  private caughtUp = false;
  private catching: Promise<void> | undefined;
  private failure: unknown;
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    pool: Pool,
    private readonly store: EventStore,
    private readonly options: InstanceListFollowerOptions = {},
  ) {
    this.heads = new LogHeadWatch(pool);
  }

  /** Loads and follows in the background until stop(); lists are answered another way meanwhile. */
  start(): void {
    this.stopped = false;
    this.running ??= this.follow().finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** Memory is loaded and its last look at the log went through to the log's end. */
  get following(): boolean {
    return this.checkpoint !== undefined && this.caughtUp && this.failure === undefined;
  }

  /**
   * The page as JSON text once memory includes everything committed before this call; undefined
   * when that cannot be shown within `timeoutMs`, memory is not following the log, or the list is
   * of ended instances and memory has let some go (InstanceListIndex keeps the latest ones).
   */
  async pageWhenCurrent(query: ListInstancesQuery, timeoutMs = 1000): Promise<string | undefined> {
    if (!this.following) return undefined;
    const deadline = Date.now() + timeoutMs;
    try {
      // A head read or a catch-up that hangs (a stalled connection, a long page) costs the list no
      // more than its deadline: the read model answers instead.
      const head = await beforeDeadline(this.heads.fresh(), deadline);
      if (head === undefined || !(await this.reach(head, deadline))) return undefined;
    } catch {
      return undefined;
    }
    return this.index.page(query);
  }

  /** The instance as memory holds it (for tests and diagnostics). */
  view(id: string): InstanceView | undefined {
    return this.index.view(id);
  }

  /** Whether memory has reached `head`, reading the log until it does or `deadline` passes. */
  private async reach(head: LogCheckpoint, deadline: number): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (this.passed(head)) return true;
      await beforeDeadline(this.catchUp(), deadline);
      if (this.passed(head)) return true;
      // Visible to the head's read but not yet to the log's readers: a transaction that took a
      // lower position is still open. It ends soon, or the deadline does.
      const left = deadline - Date.now();
      if (left <= 0 || !this.following) return false;
      await delay(Math.min(left, backoffDelayMs(attempt, { baseMs: 2, maxMs: 50 })));
    }
  }

  private passed(head: LogCheckpoint): boolean {
    return this.checkpoint !== undefined && compareCheckpoints(this.checkpoint, head) >= 0;
  }

  /** Applies what the log shows after memory's checkpoint; one reading at a time for every caller. */
  private catchUp(): Promise<void> {
    this.catching ??= this.readNew().finally(() => (this.catching = undefined));
    return this.catching;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      // A long replay (from the log's start) ends with the process, not after it.
      if (this.stopped) return;
      this.checkpoint ??= await this.load();
      const from = this.checkpoint;
      const page = await this.store.readAll(from, 1000);
      if (page.events.length > 0) this.index.apply(page.events);
      this.checkpoint = page.checkpoint;
      if (page.events.length < 1000) {
        // Only now is memory close to the head: while it replays a long log, or catches up after
        // a failure, lists would wait out the whole reading.
        this.caughtUp = true;
        this.failure = undefined;
        return;
      }
    }
  }

  private load(): Promise<LogCheckpoint> {
    const { snapshot } = this.options;
    if (snapshot === undefined) return Promise.resolve(logStart);
    return snapshot((view, id) => this.index.put(view, id));
  }

  private async follow(): Promise<void> {
    const retryDelayMs = this.options.retryDelayMs ?? 1000;
    const logError = this.options.logError ?? ((message: string) => console.error(message));
    while (!this.stopped) {
      try {
        await this.catchUp();
        await this.pause(this.options.pollMs ?? 50);
      } catch (error) {
        if (this.stopped) return;
        this.failure = error ?? 'failed';
        this.caughtUp = false;
        logError(
          `instance list memory stopped following the log, again in ${retryDelayMs / 1000} s: ${(error as Error)?.message ?? String(error)}`,
        );
        await this.pause(retryDelayMs);
      }
    }
  }

  /** Waits `ms`, or less when stop() is called meanwhile. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.wake = undefined));
  }
}

/**
 * What `work` gives if it settles before `deadline` (ms since the epoch), else undefined; its
 * failure after the deadline is nobody's (it is shared, and whoever else awaits it sees it).
 */
async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms` (a timer that does not keep the process alive). */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
