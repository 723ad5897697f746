import type { RecordedEvent } from '@federa/contracts';
import type { Projection, Queryable } from '@federa/eventstore';
import {
  evolveMigration,
  initialMigrationState,
  isMigrationEvent,
  type MigrationSagaState,
} from '../domain/migration-saga';
import { migrationView } from '../domain/migration-view';

/**
 * The migrations read model in schema `migration`: one row per `migration-<id>` stream, holding the
 * saga's folded state and its view. Rebuilt from the log by the projection runner, giving the same rows.
 */
export class MigrationProjection implements Projection {
  readonly name = 'migration.migrations';

  async setup(db: Queryable): Promise<void> {
    await db.query({
      text: `
CREATE SCHEMA IF NOT EXISTS migration;
CREATE TABLE IF NOT EXISTS migration.migrations (
  id         text        PRIMARY KEY,
  instance   text        NOT NULL,
  state      text        NOT NULL,
  saga       jsonb       NOT NULL,
  view       jsonb       NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS migrations_instance ON migration.migrations (instance);`,
    });
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({ text: 'DROP TABLE IF EXISTS migration.migrations' });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (!event.streamId.startsWith('migration-') || !isMigrationEvent(event)) continue;
      const id = event.streamId.slice('migration-'.length);
      const row = await db.query<{ saga: MigrationSagaState }>({
        text: 'SELECT saga FROM migration.migrations WHERE id = $1',
        values: [id],
      });
      const saga = evolveMigration(row.rows[0]?.saga ?? initialMigrationState(), event);
      const view = migrationView(saga);
      await db.query({
        text: `INSERT INTO migration.migrations (id, instance, state, saga, view, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (id) DO UPDATE SET instance = $2, state = $3, saga = $4, view = $5, updated_at = $6`,
        values: [id, saga.instance, view.state, saga, view, event.recordedAt],
      });
    }
  }
}
