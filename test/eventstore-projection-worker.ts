// A projection used by the crash and rebuild tests; run as a child process it follows the log until killed.
import type { RecordedEvent } from '@federa/contracts';
import {
  PostgresEventStore,
  ProjectionRunner,
  type Projection,
  type Queryable,
} from '@federa/eventstore';
import { Pool } from 'pg';

/**
 * One row per event it applied (no unique key, so a doubled event shows as a doubled row) and a count
 * per stream; slow on purpose (a pause every few events) so that a kill lands inside a transaction.
 */
export class EventTallyProjection implements Projection {
  readonly name: string;

  constructor(
    private readonly schema: string,
    private readonly pauseEvery = 0,
  ) {
    this.name = `${schema}.tally`;
  }

  async setup(db: Queryable): Promise<void> {
    await db.query({
      text: `CREATE SCHEMA IF NOT EXISTS ${this.schema};
        CREATE TABLE IF NOT EXISTS ${this.schema}.applied (event_id uuid NOT NULL, position bigint NOT NULL, type text NOT NULL);
        CREATE TABLE IF NOT EXISTS ${this.schema}.per_stream (stream_id text PRIMARY KEY, events int NOT NULL, last_version bigint NOT NULL);`,
    });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    for (const [i, event] of events.entries()) {
      await db.query({
        text: `INSERT INTO ${this.schema}.applied (event_id, position, type) VALUES ($1, $2, $3)`,
        values: [event.eventId, event.position, event.type],
      });
      await db.query({
        text: `INSERT INTO ${this.schema}.per_stream (stream_id, events, last_version) VALUES ($1, 1, $2)
               ON CONFLICT (stream_id) DO UPDATE SET events = per_stream.events + 1, last_version = $2`,
        values: [event.streamId, event.streamVersion],
      });
      if (this.pauseEvery > 0 && i % this.pauseEvery === 0) {
        process.stdout.write(`applying ${event.position}\n`);
        await db.query({ text: 'SELECT pg_sleep(0.01)' });
      }
    }
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({ text: `DROP SCHEMA IF EXISTS ${this.schema} CASCADE` });
  }
}

if (require.main === module) {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const projection = new EventTallyProjection(process.env.PROJECTION_SCHEMA ?? 'tally', 10);
  const runner = new ProjectionRunner(pool, new PostgresEventStore(pool), projection, {
    batchSize: 50,
    pollMs: 20,
  });
  runner.start().catch((error) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
