import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { Queryable } from './schema/queryable';

/** How long a metric's query may take before its scrape goes on without it. */
export const scrapeQueryTimeoutMs = 2000;

/** A pool, or anything that queries. */
export type ScrapedDatabase = Queryable;

/**
 * One query a metric runs at scrape time, bounded: `undefined` (the metric left out of this scrape)
 * when the query fails or has not answered within `timeoutMs` (a hung database must not hang the
 * whole /metrics answer). The server is told the same limit, so that it stops the query too. A
 * query waiting for a pooled connection waits within the same bound: skipping whenever the pool had
 * clients waiting skipped the scrape's own concurrent queries (each collector's query waits for a
 * connection the pool is opening), and left `federa_hosts` empty on a quiet plane.
 */
export async function scrapeQuery<R extends QueryResultRow>(
  db: ScrapedDatabase,
  query: QueryConfig,
  timeoutMs: number = scrapeQueryTimeoutMs,
): Promise<QueryResult<R> | undefined> {
  const bounded: QueryConfig & { query_timeout: number } = { ...query, query_timeout: timeoutMs };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([db.query<R>(bounded).catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
