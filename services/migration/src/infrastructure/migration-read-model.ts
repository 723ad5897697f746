import { Inject, Injectable } from '@nestjs/common';
import { pageOf, type MigrationState } from '@federa/contracts';
import type { Pool } from 'pg';
import type { MigrationView } from '../domain/migration-view';
import { PG_POOL } from './migration-tokens';

export interface MigrationPage {
  items: MigrationView[];
  next?: string;
}

/** Reads of the migrations read model (MigrationProjection). */
@Injectable()
export class MigrationReadModel {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Migrations in id order, a page at a time (default 100), filtered by instance and state. */
  async list(
    query: { instance?: string; state?: MigrationState; limit?: number; after?: string } = {},
  ): Promise<MigrationPage> {
    const limit = query.limit ?? 100;
    const result = await this.pool.query<{ id: string; view: MigrationView }>({
      text: `SELECT id, view FROM migration.migrations
             WHERE ($1::text IS NULL OR instance = $1) AND ($2::text IS NULL OR state = $2)
               AND ($3::text IS NULL OR id > $3)
             ORDER BY id LIMIT $4`,
      values: [query.instance ?? null, query.state ?? null, query.after ?? null, limit + 1],
    });
    return pageOf(
      result.rows.map((r) => r.view),
      limit,
      (view) => view.id,
    );
  }

  async get(id: string): Promise<MigrationView | undefined> {
    const result = await this.pool.query<{ view: MigrationView }>({
      text: 'SELECT view FROM migration.migrations WHERE id = $1',
      values: [id],
    });
    return result.rows[0]?.view;
  }
}
