import type { INestMicroservice } from '@nestjs/common';
import { RecommendationList, validatePayload } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const app = (name: string, extra = '') => `
    - name: ${name}
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 1, memory: 1Gi }
      health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }${extra}`;

/** A database that may move, one that needs security level 3, and one pinned to its host. */
const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:${app('catalog-db', '\n      data: { path: data }')}${app(
    'secret',
    '\n      placement: { minSecurityLevel: 3 }',
  )}${app('pinned', '\n      placement: { relocatable: false }')}
`;

/**
 * Rates that make prices easy to check by hand (only cpu and memory cost anything): an application
 * of 1 cpu and 1 GiB costs 0.4 + 0.05 = 0.45/h on dear, 0.1 + 0.01 = 0.11/h on cheap. Cheap has
 * security level 2.
 */
const hostYaml = (host: string) =>
  host === 'dear'
    ? { costs: { cpuHour: 0.4, memoryGiBHour: 0.05, storageGiBMonth: 0, networkGiB: 0 } }
    : {
        securityLevel: 2,
        costs: { cpuHour: 0.1, memoryGiBHour: 0.01, storageGiBMonth: 0, networkGiB: 0 },
      };

type Instance = { id: string; app: string; host: string; state: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers, checked by the expectations
type Json = any;

/**
 * Recommendations with the real inventory, placement, supervision, migration and gateway, and
 * process agents: a service deployed on an expensive host is offered the cheaper one only where
 * every rule allows it, and applying the offer moves it there.
 */
describe('recommendations of cheaper placements', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=shop')).json.items;
  const recommendations = async (): Promise<Json> =>
    (await plane.call('GET', '/v1/recommendations')).json;

  beforeAll(async () => {
    plane = await startControlPlane('recommendations');
    // Only dear is there for the deploy, so that every instance lands on it.
    fleet = await Fleet.start(plane, ['dear'], { hostConfig: hostYaml });
    migration = await startMigrationService({
      ...process.env,
      FEDERA_DATABASE_URL: plane.database.url,
      FEDERA_NATS_URL: plane.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: plane.prefix,
    });
    expect(
      (await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    await plane.call('POST', '/v1/services/shop/deploy');
    await eventually(
      async () => (await instances()).filter((i) => i.state === 'healthy').length === 3,
      90_000,
      200,
    );
    await fleet.startHost('cheap');
  }, 180_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('offers the movable instance the cheaper host with the saving checked by hand, and nothing a rule forbids; applying it moves the instance, and applying it again is refused', async () => {
    const db = (await instances()).find((i) => i.app === 'catalog-db')!;
    expect(db.host).toBe('dear');
    // Once placement has folded the cheap host's registration.
    const list = await eventually(
      async () => {
        const answer = await recommendations();
        return answer.items?.length > 0 ? answer : undefined;
      },
      60_000,
      200,
    );
    expect(validatePayload(RecommendationList, list).ok).toBe(true);
    // secret needs security level 3 (cheap has 2); pinned is not relocatable.
    expect(list.items).toEqual([
      {
        id: expect.stringMatching(/^rec-[0-9a-f]{16}$/),
        instance: db.id,
        service: 'shop',
        app: 'catalog-db',
        from: 'dear',
        to: 'cheap',
        mode: 'cold',
        costPerHour: { before: 0.45, after: 0.11 },
        savingPerHour: 0.34,
        message: `move ${db.id} from dear to cheap: 0.34/h less`,
      },
    ]);
    expect(list).toMatchObject({ minSavingPerHour: 0.01, savingPerHour: 0.34 });
    // An id listed for one service is the one applying checks against.
    const shopOnly = await plane.call('GET', '/v1/recommendations?service=shop');
    expect(shopOnly.json.items).toEqual(list.items);
    const { id } = shopOnly.json.items[0];

    const applied = await plane.call('POST', `/v1/recommendations/${id}/apply`);
    expect(applied.status).toBe(202);
    expect(applied.json).toMatchObject({ instance: db.id, from: 'dear', to: 'cheap' });
    const done = await eventually(
      async () => {
        const m = (await plane.call('GET', `/v1/migrations/${applied.json.id}`)).json;
        return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
      },
      120_000,
      250,
    );
    expect(done.state).toBe('succeeded');
    await eventually(
      async () => {
        const moved = (await instances()).find((i) => i.id === db.id);
        return moved?.host === 'cheap' && moved.state === 'healthy';
      },
      60_000,
      200,
    );

    const again = await plane.call('POST', `/v1/recommendations/${id}/apply`);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('stale or unknown recommendation, list again');
    // Nothing else is cheaper now: the rules keep the others where they are.
    await eventually(async () => (await recommendations()).items.length === 0, 30_000, 200);
  }, 300_000);

  it('refuses an id that is not a recommendation id, naming the field', async () => {
    const answer = await plane.call('POST', '/v1/recommendations/not-an-id/apply');
    expect(answer.status).toBe(400);
    expect(answer.json.error.details).toEqual([expect.objectContaining({ path: 'id' })]);
  }, 30_000);
});
