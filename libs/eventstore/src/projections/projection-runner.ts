import type { Pool, PoolClient } from 'pg';
import type { EventStore, LogCheckpoint } from '../event-store';
import { readCheckpoint, resetCheckpoint, storeCheckpoint } from '../schema/checkpoints';
import type { Projection } from './projection';

export interface ProjectionRunnerOptions {
  /** Events per transaction; @default 1000 */
  batchSize?: number;
  /** Wait between polls once caught up; @default 100 ms */
  pollMs?: number;
}

/**
 * Keeps one projection up to date. Each page of events is applied in the same transaction that moves
 * the checkpoint by compare-and-set, so a crash loses nothing and applies nothing twice, and two
 * runners of the same projection never both apply a page.
 */
export class ProjectionRunner {
  private checkpoint: LogCheckpoint | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {}

  /** Creates the read model if missing, then follows the log until stop(). */
  start(): Promise<void> {
    this.stopped = false;
    this.running = this.follow();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  /** Applies everything visible now; returns how many events this runner applied. */
  async catchUp(): Promise<number> {
    await this.setUp();
    let applied = 0;
    for (;;) {
      const count = await this.applyNextPage();
      if (count === 0) return applied;
      applied += Math.max(count, 0);
    }
  }

  /** Drops the read model, recreates it and replays the whole log into it (same rows as before). */
  async rebuild(): Promise<number> {
    await this.inTransaction(async (db) => {
      await this.lockProjection(db);
      await this.projection.drop(db);
      await this.projection.setup(db);
      await resetCheckpoint(db, this.projection.name);
    });
    this.checkpoint = undefined;
    return this.catchUp();
  }

  /** Events applied by this call: 0 when none are new, -1 when another runner took the page. */
  private async applyNextPage(): Promise<number> {
    const from = this.checkpoint ?? (await readCheckpoint(this.pool, this.projection.name));
    const page = await this.store.readAll(from, this.options.batchSize ?? 1000);
    if (page.events.length === 0) {
      this.checkpoint = from;
      return 0;
    }
    const moved = await this.inTransaction(async (db) => {
      // Moving the checkpoint first locks its row: a rival runner waits here, then finds it moved.
      if (!(await storeCheckpoint(db, this.projection.name, from, page.checkpoint))) return false;
      await this.projection.apply(db, page.events);
      return true;
    });
    this.checkpoint = moved ? page.checkpoint : undefined;
    return moved ? page.events.length : -1;
  }

  private async follow(): Promise<void> {
    await this.setUp();
    while (!this.stopped) {
      const count = await this.applyNextPage();
      if (count === 0) await new Promise((r) => setTimeout(r, this.options.pollMs ?? 100));
    }
  }

  /** Creates the read model; runners starting together take turns (CREATE ... IF NOT EXISTS races). */
  private setUp(): Promise<void> {
    return this.inTransaction(async (db) => {
      await this.lockProjection(db);
      await this.projection.setup(db);
    });
  }

  private async lockProjection(db: PoolClient): Promise<void> {
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `projection:${this.projection.name}`,
    ]);
  }

  private async inTransaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      let result: T;
      try {
        result = await work(client);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      // A false compare-and-set leaves nothing worth keeping, but COMMIT of an unchanged tx is harmless.
      await client.query('COMMIT');
      return result;
    } finally {
      client.release();
    }
  }
}
