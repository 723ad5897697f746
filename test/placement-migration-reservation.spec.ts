import { streamIds } from '@federa/contracts';
import { PostgresEventStore } from '@federa/eventstore';
import { eventually } from '@federa/testing';
import { Pool } from 'pg';
import { migrationDecider } from '../services/migration/src/domain/migration-saga';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import { kvStoreApp, serviceYaml } from './migration-fixtures';

// Every fleet host has 8 cpus: the vault's 5 leave no room for a 4-cpu `big` beside it.
const vaultYaml = serviceYaml('vault', [
  kvStoreApp('kv', { cpu: '5', health: false, lines: ['data: { path: data }'] }),
]);

const loadYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: load }
spec:
  applications:
    - name: big
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 4, memory: 128Mi, storage: 1Gi }
      replicas: { min: 2, max: 2 }
  rules:
    - antiAffinity: [big]
`;

type Instance = { id: string; app: string; host?: string; state: string };
const metadata = { actor: 'test', correlationId: 'reservation-test' };

/**
 * Placement holds a moving instance's room on its migration's target for as long as the log says the
 * migration runs: the migration is recorded here as the migration service records it (its saga's
 * own events), and left running, so that the deploy certainly comes while it runs.
 */
describe('a migration’s target while the move runs', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let pool: Pool;
  let store: PostgresEventStore;

  const instances = async (service: string, state?: 'failed'): Promise<Instance[]> =>
    (await plane.call('GET', `/v1/instances?service=${service}${state ? `&state=${state}` : ''}`))
      .json.items;

  beforeAll(async () => {
    plane = await startControlPlane('migration_reserve');
    fleet = await Fleet.start(plane, ['r1', 'r2', 'r3']);
    pool = new Pool({ connectionString: plane.database.url, max: 2 });
    store = new PostgresEventStore(pool);
    await plane.call('PUT', '/v1/services/vault', vaultYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/vault/deploy');
    await eventually(
      async () => (await instances('vault')).some((i) => i.state === 'healthy'),
      60_000,
      200,
    );
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await fleet?.close();
    await plane?.close();
  });

  it('is not given to a concurrent deploy, which is placed elsewhere; it is free again once the move ends', async () => {
    const [kv] = await instances('vault');
    const [to, elsewhere] = ['r1', 'r2', 'r3'].filter((h) => h !== kv.host);
    const migration = 'mig-reservation-1';
    const started = migrationDecider.decide(
      {
        type: 'start',
        migration,
        instance: kv.id,
        service: 'vault',
        app: 'kv',
        from: kv.host!,
        to,
        live: false,
        stateful: true,
        reason: 'requested',
        chosenFrom: new Date().toISOString(),
        chosenAt: new Date().toISOString(),
      },
      migrationDecider.initialState(),
    );
    const at = () => ({ ...metadata, occurredAt: new Date().toISOString() });
    const { nextExpectedVersion } = await store.append(
      streamIds.migration(migration),
      'no-stream',
      (Array.isArray(started) ? started : [started]).map((e) => ({ ...e, metadata: at() })),
    );

    // Two `big`s never share a host and neither fits beside the vault: without the target's room
    // held, one would go to the target and one elsewhere; with it, only elsewhere has room.
    await plane.call('PUT', '/v1/services/load', loadYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/load/deploy');
    const placed = await eventually(
      async () => {
        const bigs = await instances('load');
        return bigs.some((i) => i.host === elsewhere) ? bigs : undefined;
      },
      60_000,
      200,
    );
    expect(placed!.filter((i) => i.host === to)).toEqual([]);

    // The move is rolled back: the target's room is free, and the second `big` takes it.
    await store.append(streamIds.migration(migration), nextExpectedVersion, [
      {
        type: 'MigrationRolledBack',
        data: { migration, instance: kv.id, host: kv.host!, reason: 'test' },
        metadata: at(),
      },
    ]);
    await eventually(
      async () => (await instances('load')).some((i) => i.host === to),
      90_000,
      250,
    ).catch(async (error: Error) => {
      // Said in full: the one time this failed (a loaded CI run) left nothing to read but a timeout.
      const failures = await pool.query(
        `SELECT position, data FROM eventlog.events WHERE type = 'PlacementFailed'
         ORDER BY position DESC LIMIT 3`,
      );
      throw new Error(
        `${error.message}: load's instances ${JSON.stringify(await instances('load'))}, ` +
          `failed ${JSON.stringify(await instances('load', 'failed'))}; ` +
          `last placement failures ${JSON.stringify(failures.rows)}`,
      );
    });
  }, 240_000);
});
