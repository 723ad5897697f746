import type { ListInstancesQuery } from '@federa/contracts';
import { logStart, type EventStore, type LogCheckpoint } from '@federa/eventstore';
import { backoffDelayMs } from '@federa/runtime/backoff';
import type { Pool } from 'pg';
import { InstanceListIndex } from '../domain/instance-list-index';
import type { InstanceView } from '../domain/instance-view';
import { compareCheckpoints, LogHeadWatch } from './log-head-watch';
import { supervisionReadModelName } from './supervision-projection';

export interface InstanceListFollowerOptions {
  /** Wait between looks at the log while nobody asks; @default 50 ms */
  pollMs?: number;
  /** Wait before trying again after a failure; @default 1000 ms */
  retryDelayMs?: number;
  /** Told of every failure it recovers from, in one line; @default console.error */
  logError?: (message: string) => void;
}

/**
 * Every instance in this process's memory (InstanceListIndex), loaded once from the read model's
 * rows and the checkpoint they were written at (one snapshot), then kept by reading the log itself
 * from there: each replica follows on its own, whichever replica's runner applies the read model's
 * pages. A list is answered from memory only once memory holds the log's head as read after the
 * list arrived, so it never misses what its caller saw committed; whenever that cannot be shown
 * (not loaded yet, the log unreadable, the head not reached within the wait), `pageWhenCurrent`
 * answers undefined and the caller reads the read model as before.
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
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly options: InstanceListFollowerOptions = {},
    /** The read model whose rows and checkpoint memory starts from. */
    private readonly readModel = supervisionReadModelName,
  ) {
    this.heads = new LogHeadWatch(pool);
  }

  /** Loads and follows in the background until stop(); lists are read from Postgres meanwhile. */
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
   * when that cannot be shown within `timeoutMs`, or memory is not following the log.
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

  /** The read model's rows and the checkpoint they were written at, in one snapshot. */
  private async load(): Promise<LogCheckpoint> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const checkpoint = await client.query<{ transaction_id: string; position: string }>({
        text: 'SELECT transaction_id, position FROM eventlog.checkpoints WHERE name = $1',
        values: [this.readModel],
      });
      const table = await client.query<{ name: string | null }>(
        `SELECT to_regclass('supervision.instances')::text AS name`,
      );
      // Without its checkpoint the rows mean nothing: memory replays the log from its start.
      const at = checkpoint.rows[0];
      const rows =
        at !== undefined && table.rows[0].name !== null
          ? (
              await client.query<{ id: string; view: InstanceView }>(
                'SELECT id, view FROM supervision.instances',
              )
            ).rows
          : undefined;
      await client.query('COMMIT');
      if (at === undefined || rows === undefined) return logStart;
      for (const row of rows) this.index.put(row.view, row.id);
      return { transactionId: at.transaction_id, position: Number(at.position) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
