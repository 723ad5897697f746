// The demo shop (examples/shop.yaml, examples/apps) deployed by the real control plane on real
// agents: it sells, its applications find each other only through discovery, and they follow a
// replaced database and a scaled-out front end without a restart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import { Fleet } from './supervision-fleet';
import { killGroup, persistedHandle } from './agent-harness';
import { startControlPlane, type ControlPlane } from './supervision-harness';

// A short cooldown so that scaling can be watched within a test.
const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8').replace(
  'cooldownMs: 30000',
  'cooldownMs: 1500',
);

interface Instance {
  id: string;
  app: string;
  host: string;
  state: string;
  endpoint?: { address: string; port: number };
}

const endpointOf = (i: Instance) => `${i.endpoint?.address}:${i.endpoint?.port}`;

describe('the demo shop on real agents', () => {
  let plane: ControlPlane;
  let fleet: Fleet;

  const instances = async (app?: string): Promise<Instance[]> =>
    (await plane.call('GET', `/v1/instances?service=shop${app ? `&app=${app}` : ''}`)).json.items;
  const serving = async (app: string) =>
    (await instances(app)).filter((i) => i.state === 'healthy' && i.endpoint);
  const service = async () => (await plane.call('GET', '/v1/services/shop')).json;
  const lastPosition = async () => (await plane.events()).at(-1)?.position ?? 0;
  const availableAfter = (position: number) =>
    eventually(
      async () =>
        (await plane.events(['ServiceAvailable'])).some((e) => e.position > position) &&
        (await service()).state === 'available',
      60_000,
      200,
    );

  /** An instance's process environment, as its agent gave it. */
  const environmentOf = (instance: Instance): Record<string, string> => {
    const dataDir = fleet.agents.get(instance.host)?.dataDir as string;
    const { pid } = persistedHandle(dataDir, instance.id);
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  };

  const web = async () => {
    const [front] = await serving('web');
    return `http://${endpointOf(front)}`;
  };

  beforeAll(async () => {
    plane = await startControlPlane('demo_shop', { scalingWindowMs: 1000 });
    // No host dies by itself here: a generous down threshold keeps a CPU-starved agent up.
    fleet = await Fleet.start(plane, ['h1', 'h2', 'h3', 'h4', 'h5'], { downAfterMs: 10_000 });
    expect(
      (await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);
    await availableAfter(0);
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
  });

  it('sells: the front end lists the catalogue’s products and a checkout is journalled by payment', async () => {
    expect((await service()).probe).toMatchObject({
      application: 'web',
      path: '/checkout/health',
      lastResult: 'passed',
    });
    const page = await fetch(`${await web()}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Gruyère AOP, 500 g');

    const bought = await fetch(`${await web()}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product: 'chocolate', quantity: 3 }),
    });
    expect(bought.status).toBe(201);
    const receipt = (await bought.json()) as { payment: string; amount: number };
    expect(receipt.amount).toBe(20.4);
    const [payment] = await serving('payment');
    const journalled = await fetch(`http://${endpointOf(payment)}/payments/${receipt.payment}`);
    expect(await journalled.json()).toMatchObject({ id: receipt.payment, product: 'chocolate' });

    // Found through discovery alone: web was given both dependencies at start...
    const [front] = await serving('web');
    const [db] = await serving('catalog-db');
    const env = environmentOf(front);
    expect(env.FEDERA_ENDPOINTS_CATALOG_DB).toBe(endpointOf(db));
    expect(env.FEDERA_ENDPOINTS_PAYMENT).toBe(endpointOf(payment));
    expect(env.FEDERA_DISCOVERY_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/discovery\/shop$/);
    // ...and catalog-db, which depends on nothing and started first, an empty, valid set.
    const dbEnv = environmentOf(db);
    expect(dbEnv.FEDERA_ENDPOINTS_WEB).toBe('');
    expect(dbEnv.FEDERA_ENDPOINTS_PAYMENT).toBe('');
  }, 60_000);

  it('gives every reader the new front end’s endpoint when web scales out', async () => {
    const pin = async (load: number | null) =>
      Promise.all(
        (await serving('web')).map((i) =>
          fetch(`http://${endpointOf(i)}/load`, {
            method: 'POST',
            body: JSON.stringify({ load }),
          }),
        ),
      );
    await pin(0.95);
    const fronts = (await eventually(
      async () => {
        const now = await serving('web');
        return now.length === 3 && now;
      },
      60_000,
      200,
    ).catch(async (error: Error) => {
      // Said in full: under load this once timed out with nothing else to read.
      const scaled = (await plane.events()).filter((e) => /^Scaled|^Instance/.test(e.type));
      throw new Error(
        `${error.message}: web ${JSON.stringify(await instances('web'))}; ` +
          `service ${JSON.stringify(await service())}; ` +
          `last events ${JSON.stringify(scaled.slice(-8).map((e) => [e.type, e.data]))}`,
      );
    })) as Instance[];
    await pin(0.5);
    // Every instance of the shop reads the discovery URL of its own host's agent.
    const readers = (await instances()).filter((i) => i.state === 'healthy');
    for (const reader of readers) {
      const url = environmentOf(reader).FEDERA_DISCOVERY_URL;
      await eventually(
        async () => {
          const set = (await (await fetch(url)).json()) as {
            applications: { name: string; instances: { address: string; port: number }[] }[];
          };
          const webSet = set.applications.find((a) => a.name === 'web')?.instances ?? [];
          return (
            webSet
              .map((i) => `${i.address}:${i.port}`)
              .sort()
              .join(',') === fronts.map(endpointOf).sort().join(',')
          );
        },
        30_000,
        200,
      );
    }
  }, 120_000);

  it('follows the database to its replacement on another host, and the shop is available again with its probe passing', async () => {
    const [db] = await serving('catalog-db');
    const before = await lastPosition();
    // Cordoned, its host takes no replacement: the database comes back elsewhere.
    expect((await plane.call('POST', `/v1/hosts/${db.host}/cordon`)).status).toBe(200);
    const killedAt = Date.now();
    killGroup(persistedHandle(fleet.agents.get(db.host)?.dataDir as string, db.id).pid);

    const replacement = (await eventually(
      async () => (await serving('catalog-db')).find((i) => i.id !== db.id),
      60_000,
      200,
    )) as Instance;
    expect(replacement.host).not.toBe(db.host);
    await availableAfter(before);
    expect((await service()).probe).toMatchObject({ lastResult: 'passed' });
    // Available on a probe of the new chain, not on a pass from before the database died.
    const available = (await plane.events(['ServiceAvailable'])).filter((e) => e.position > before);
    for (const event of available) {
      const probe = (event.data as { probe?: { at: string } }).probe;
      expect(Date.parse(probe?.at ?? '')).toBeGreaterThan(killedAt);
    }

    // Every front end, started before the move, now reads the new database.
    for (const front of await serving('web')) {
      const health = await eventually(async () => {
        const answer = await fetch(`http://${endpointOf(front)}/checkout/health`);
        const body = (await answer.json()) as { catalog?: { endpoints: string[] } };
        return answer.status === 200 && body.catalog?.endpoints.includes(endpointOf(replacement))
          ? body
          : undefined;
      }, 30_000);
      expect(health?.catalog?.endpoints).toEqual([endpointOf(replacement)]);
    }
    const bought = await fetch(`${await web()}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product: 'knife', quantity: 1 }),
    });
    expect(bought.status).toBe(201);
    await plane.call('POST', `/v1/hosts/${db.host}/uncordon`);
  }, 120_000);
});
