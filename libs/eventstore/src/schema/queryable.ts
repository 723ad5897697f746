import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';

/** A pg Pool, Client or PoolClient: whatever the caller's transaction runs on. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    config: QueryConfig,
    values?: unknown[],
  ): Promise<QueryResult<R>>;
}
