import { migrateEventStore } from '@federa/eventstore';
import { freshDatabase, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { CatalogueRetention } from '../services/statistics/src/catalogue/infrastructure/catalogue-retention';
import { setupStatisticsSchema } from '../services/statistics/src/infrastructure/statistics-schema';

const DAY = 86_400_000;

describe('catalogue retention', () => {
  let db: FreshDatabase;
  let pool: Pool;
  const now = new Date('2026-12-01T12:00:00.000Z');

  beforeAll(async () => {
    db = await freshDatabase('stats_catalogue_retention');
    pool = new Pool({ connectionString: db.url, max: 2 });
    await migrateEventStore(pool);
    await setupStatisticsSchema(pool, []);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  async function interval(
    id: string,
    openedBy: number,
    placedDaysAgo: number,
    endedDaysAgo?: number,
  ) {
    await pool.query(
      `INSERT INTO statistics.instances (id, opened_by, service, app, host, layer, placed_at, ended_at)
       VALUES ($1, $2, 'shop', 'web', 'h-1', 'sim', $3, $4)`,
      [
        id,
        openedBy,
        new Date(now.getTime() - placedDaysAgo * DAY),
        endedDaysAgo === undefined ? null : new Date(now.getTime() - endedDaysAgo * DAY),
      ],
    );
  }

  it('forgets intervals that ended before the days kept, and keeps open and recent ones', async () => {
    await interval('gone-1', 1, 900, 800); // ended long ago
    await interval('moved-1', 2, 900, 500); // its first host, long ago...
    await interval('moved-1', 3, 500); // ...and the host it still runs on
    await interval('recent-1', 4, 30, 2);
    await interval('ancient-but-open', 5, 1000);

    const retention = new CatalogueRetention(pool, {
      keepDays: 400,
      leads: async () => true,
      clock: () => now,
    });
    expect(await retention.runOnce()).toBe(2);

    const { rows } = await pool.query(
      'SELECT id, opened_by::int AS "openedBy" FROM statistics.instances ORDER BY opened_by',
    );
    expect(rows).toEqual([
      { id: 'moved-1', openedBy: 3 },
      { id: 'recent-1', openedBy: 4 },
      { id: 'ancient-but-open', openedBy: 5 },
    ]);
  });
});
