import { randomUUID } from 'node:crypto';
import { migrateEventStore } from '@federa/eventstore';
import { freshDatabase, type FreshDatabase } from '@federa/testing';
import { Client, Pool } from 'pg';
import { SupervisionProjection } from '../services/supervision/src/infrastructure/supervision-projection';
import { SupervisionReadModel } from '../services/supervision/src/infrastructure/supervision-read-model';

/**
 * The read model's one-round-trip list compares its checkpoint with the log's head in the order
 * readers checkpoint by, (transaction id, position): the highest position is not always the last
 * event a reader applies.
 */
describe('a list page read with the log head', () => {
  let database: FreshDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await freshDatabase('supervision_rm_head');
    pool = new Pool({ connectionString: database.url, max: 3 });
    await migrateEventStore(pool);
    await new SupervisionProjection().setup(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const insert = (db: Client, stream: string) =>
    db.query<{ position: string }>({
      text: `INSERT INTO eventlog.events
               (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
             VALUES ($1, 'host', 1, $2, 'HostHeartbeat', 1, '{}', '{}') RETURNING position`,
      values: [stream, randomUUID()],
    });

  it('is not current when the checkpoint holds the highest position but not a younger transaction', async () => {
    const older = new Client({ connectionString: database.url });
    const younger = new Client({ connectionString: database.url });
    await older.connect();
    await younger.connect();
    try {
      await older.query('BEGIN');
      const { rows } = await older.query<{ xid: string }>(
        'SELECT pg_current_xact_id()::text AS xid',
      );
      await younger.query('BEGIN');
      await younger.query('SELECT pg_current_xact_id()');
      // The younger transaction takes the lower position, the older one the higher.
      await insert(younger, 'host-young');
      const taken = await insert(older, 'host-old');
      await older.query('COMMIT');
      await younger.query('COMMIT');
      // A reader that has applied the older transaction's event and not yet the younger one's.
      await pool.query(
        `INSERT INTO eventlog.checkpoints (name, transaction_id, position) VALUES ('behind', $1, $2)`,
        [rows[0].xid, taken.rows[0].position],
      );
    } finally {
      await older.end();
      await younger.end();
    }
    const readModel = new SupervisionReadModel(pool, 'behind');
    expect(await readModel.instancesIfCurrent({})).toBeUndefined();
    await pool.query(
      `INSERT INTO eventlog.checkpoints (name, transaction_id, position)
       SELECT 'at-head', transaction_id, position FROM eventlog.events
       ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    expect(await new SupervisionReadModel(pool, 'at-head').instancesIfCurrent({})).toEqual({
      items: [],
    });
  });
});
