import type { Pool } from 'pg';
import { register } from 'prom-client';
import { watchPoolConnections } from './pool-connection-gauge';

/** A pool as the gauge reads it: its three counts and whether it has ended. */
function poolWith(total: number, idle: number, waiting: number): Pool & { ended: boolean } {
  return { totalCount: total, idleCount: idle, waitingCount: waiting, ended: false } as never;
}

async function gaugeLines(): Promise<string> {
  return register.getSingleMetricAsString('federa_db_pool_connections');
}

describe('pool connection gauge', () => {
  it("reports a service's connections by state, summed over its pools", async () => {
    watchPoolConnections('inventory', poolWith(3, 1, 0));
    watchPoolConnections('inventory', poolWith(2, 0, 4));
    const text = await gaugeLines();
    expect(text).toContain('federa_db_pool_connections{service="inventory",state="total"} 5');
    expect(text).toContain('federa_db_pool_connections{service="inventory",state="idle"} 1');
    expect(text).toContain('federa_db_pool_connections{service="inventory",state="waiting"} 4');
  });

  it('stops counting a pool once it has ended', async () => {
    const ending = poolWith(4, 4, 0);
    watchPoolConnections('placement', poolWith(1, 1, 0));
    watchPoolConnections('placement', ending);
    expect(await gaugeLines()).toContain(
      'federa_db_pool_connections{service="placement",state="total"} 5',
    );
    ending.ended = true;
    expect(await gaugeLines()).toContain(
      'federa_db_pool_connections{service="placement",state="total"} 1',
    );
  });

  it('does not count as waiting the queries of the same scrape that an idle connection serves', async () => {
    // As pg does: a query finding an idle connection is queued, and served on the next tick.
    const pool = poolWith(1, 1, 0);
    watchPoolConnections('supervision', pool);
    const scrape = gaugeLines();
    Object.assign(pool, { idleCount: 0, waitingCount: 1 });
    process.nextTick(() => Object.assign(pool, { waitingCount: 0 }));
    const text = await scrape;
    expect(text).toContain('federa_db_pool_connections{service="supervision",state="waiting"} 0');
    expect(text).toContain('federa_db_pool_connections{service="supervision",state="idle"} 0');
  });
});
