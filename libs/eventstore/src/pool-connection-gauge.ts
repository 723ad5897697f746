import type { Pool } from 'pg';
import { Gauge, register } from 'prom-client';

/** Each service's open pools (a process may hold several, a test several services). */
const watched = new Map<string, Set<Pool>>();

function gauge(): Gauge {
  const existing = register.getSingleMetric('federa_db_pool_connections');
  if (existing) return existing as Gauge;
  return new Gauge({
    name: 'federa_db_pool_connections',
    help: "Connections of the service's Postgres pools: total open, idle, and clients waiting for one; the scrape's own queries (at most one per metric, none while clients wait) may show as in use or waiting",
    labelNames: ['service', 'state'],
    async collect() {
      // A pool queues a query that finds an idle connection and hands it over on the next tick: waiting
      // a turn lets the queries the other collectors of this scrape just sent take their connections
      // first. They are not served by then: they still count as in use (not idle), and as waiting when
      // the pool is full, which the help says.
      await new Promise((resolve) => setImmediate(resolve));
      for (const [service, pools] of watched) {
        const sum = { total: 0, idle: 0, waiting: 0 };
        for (const pool of pools) {
          if (pool.ended) {
            pools.delete(pool);
            continue;
          }
          sum.total += pool.totalCount;
          sum.idle += pool.idleCount;
          sum.waiting += pool.waitingCount;
        }
        for (const [state, value] of Object.entries(sum)) this.set({ service, state }, value);
      }
    },
  });
}

/**
 * Counts `pool` in `federa_db_pool_connections{service,state}` (state total, idle, waiting) until it
 * ends; a service whose pools have all ended reads 0.
 */
export function watchPoolConnections(service: string, pool: Pool): void {
  gauge();
  const pools = watched.get(service) ?? new Set<Pool>();
  watched.set(service, pools);
  pools.add(pool);
}
