import { register } from 'prom-client';
import type { QueryConfig } from 'pg';
import type { Queryable } from '../schema/queryable';
import { lagEvents, reportProjectionLag } from './projection-lag';

/** A store whose log head and checkpoints (by name) are the given positions; it counts its queries. */
function storeAt(
  head: number | null,
  checkpoints: Record<string, number>,
): Queryable & { queries: number } {
  const store = {
    queries: 0,
    query: async (config: QueryConfig) => {
      store.queries += 1;
      const names = (config.values?.[0] ?? []) as string[];
      return {
        rows: names
          .filter((name) => name in checkpoints)
          .map((name) => ({
            head: head === null ? null : String(head),
            name,
            at: String(checkpoints[name]),
          })),
      };
    },
  };
  return store as unknown as Queryable & { queries: number };
}

async function reportedLag(): Promise<Record<string, number>> {
  const metric = await register.getSingleMetric('federa_projection_lag_events')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.projection), v.value]));
}

describe('projection lag', () => {
  it('is how far the head is past what the reader applied', () => {
    expect(lagEvents(120, 100)).toBe(20);
  });

  it('is never negative, even for a checkpoint read after a newer head', () => {
    expect(lagEvents(100, 105)).toBe(0);
  });

  it('reports each followed projection from its stored checkpoint, all read in one query', async () => {
    const store = storeAt(50, { 'inventory.hosts': 42, 'migration.migrations': 50 });
    const stops = [
      reportProjectionLag({ name: 'inventory.hosts', db: store }),
      reportProjectionLag({ name: 'migration.migrations', db: store }),
      reportProjectionLag({ name: 'inventory.hosts', db: store }),
    ];
    try {
      expect(await reportedLag()).toEqual({ 'inventory.hosts': 8, 'migration.migrations': 0 });
      expect(store.queries).toBe(1);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('leaves out a projection with no checkpoint yet', async () => {
    const stop = reportProjectionLag({ name: 'inventory.hosts', db: storeAt(50, {}) });
    try {
      expect(await reportedLag()).toEqual({});
    } finally {
      stop();
    }
  });

  it('forgets a projection no longer followed', async () => {
    reportProjectionLag({ name: 'inventory.hosts', db: storeAt(50, { 'inventory.hosts': 42 }) })();
    expect(await reportedLag()).toEqual({});
  });

  it('leaves out a projection whose store does not answer, and still reports the others', async () => {
    const failing = { query: () => Promise.reject(new Error('connection refused')) } as Queryable;
    const stops = [
      reportProjectionLag({ name: 'supervision.services', db: failing }),
      reportProjectionLag({ name: 'inventory.hosts', db: storeAt(10, { 'inventory.hosts': 7 }) }),
    ];
    try {
      expect(await reportedLag()).toEqual({ 'inventory.hosts': 3 });
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('asks a store whose pool has clients waiting all the same, within the scrape bound', async () => {
    const busy = Object.assign(storeAt(10, { 'inventory.hosts': 7 }), { waitingCount: 1 });
    const stop = reportProjectionLag({ name: 'inventory.hosts', db: busy });
    try {
      expect(await reportedLag()).toEqual({ 'inventory.hosts': 3 });
      expect(busy.queries).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });
});
