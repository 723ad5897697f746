import { Gauge } from 'prom-client';
import { scrapeQuery, type ScrapedDatabase } from '../scrape-query';

/** A read model some runner in this process follows, and where to read its checkpoint. */
export interface FollowedProjection {
  readonly name: string;
  readonly db: ScrapedDatabase;
}

/** How many events of the log a reader has still to take in: none once it is at the head or past it. */
export function lagEvents(headPosition: number, readUpTo: number): number {
  return Math.max(0, headPosition - readUpTo);
}

const followed = new Set<FollowedProjection>();

/**
 * The log's head and the checkpoints of `names`, read in one query: one connection per scrape. The
 * checkpoints are the store's, not the runners' memory: every replica of a service reports the same
 * lag for its shared read model. A projection with no checkpoint yet is left out.
 */
async function lagsOf(db: ScrapedDatabase, names: readonly string[]): Promise<Map<string, number>> {
  const result = await scrapeQuery<{ head: string | null; name: string; at: string }>(db, {
    name: 'eventlog.projectionLags',
    text: `SELECT (SELECT max(position) FROM eventlog.events) AS head, name, position AS at
           FROM eventlog.checkpoints WHERE name = ANY($1)`,
    values: [names],
  });
  const lags = new Map<string, number>();
  for (const row of result?.rows ?? []) {
    lags.set(row.name, lagEvents(Number(row.head ?? 0), Number(row.at)));
  }
  return lags;
}

/** The names of the projections followed in each database (several runners may follow one). */
function namesByDatabase(): Map<ScrapedDatabase, Set<string>> {
  const byDatabase = new Map<ScrapedDatabase, Set<string>>();
  for (const { db, name } of followed) {
    const names = byDatabase.get(db) ?? new Set<string>();
    names.add(name);
    byDatabase.set(db, names);
  }
  return byDatabase;
}

/** Read at scrape time for every projection followed in this process. */
export const projectionLagEvents = new Gauge({
  name: 'federa_projection_lag_events',
  help: 'Events appended to the log that a projection (read model) has not applied yet, at scrape time',
  labelNames: ['projection'] as const,
  async collect() {
    this.reset();
    // A store that does not answer (in time) leaves its projections out of the scrape, not the scrape failed.
    await Promise.all(
      [...namesByDatabase()].map(async ([db, names]) => {
        for (const [projection, lag] of await lagsOf(db, [...names])) this.set({ projection }, lag);
      }),
    );
  },
});

/** Reports the projection's lag from now on; the function returned stops that. */
export function reportProjectionLag(projection: FollowedProjection): () => void {
  followed.add(projection);
  return () => followed.delete(projection);
}
