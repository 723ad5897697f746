import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InstancePage,
  InstanceSummary,
  newEvent,
  ServiceSummary,
  streamIds,
  validatePayload,
  type EventTypeName,
  type FieldError,
} from '@federa/contracts';
import type { ClassConstructor } from 'class-transformer';
import { LiveProjection, PostgresEventStore } from '@federa/eventstore';
import { Client, Pool } from 'pg';
import { SupervisionReadModel } from '../services/supervision/src/infrastructure/supervision-read-model';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

/** How an answer departs from its contract class: nothing when it conforms. */
function contractErrors<T extends object>(cls: ClassConstructor<T>, body: unknown): FieldError[] {
  const checked = validatePayload(cls, body);
  return checked.ok ? [] : checked.errors;
}
const resources = {
  cpuMillis: 500,
  memoryBytes: 2 ** 27,
  storageBytes: 2 ** 30,
  bandwidthBps: 1e8,
};

/**
 * The read model in schema `supervision`, on a standby supervision replica (the test holds the
 * leader lock): only the log written here, through the API and directly, feeds it.
 */
describe('supervision read model in Postgres', () => {
  let plane: ControlPlane;
  let pool: Pool;
  let store: PostgresEventStore;
  let last = 0;

  const append = async (stream: string, type: EventTypeName, data: object) => {
    const metadata = {
      correlationId: randomUUID(),
      actor: 'test',
      occurredAt: new Date().toISOString(),
    };
    const result = await store.append(stream, 'any', [newEvent(type, data as never, metadata)]);
    last = result.lastPosition;
  };
  const instance = async (id: string, app: string, host: string, steps: EventTypeName[]) => {
    const ref = { service: 'shop', app, instance: id };
    await append(streamIds.instance(id), 'InstanceRequested', {
      ...ref,
      layer: 'process',
      resources,
      revision: 1,
      reason: 'deploy',
    });
    for (const type of steps) {
      const placed = { ...ref, host };
      const data =
        type === 'InstancePlaced'
          ? {
              ...placed,
              layer: 'process',
              resources,
              scores: { total: 1, byScorer: {} },
              hostsConsidered: 2,
              hostEpoch: 1,
              costPerHour: 0.1,
            }
          : type === 'InstanceStarting'
            ? { ...placed, layer: 'process' }
            : type === 'InstanceFailed'
              ? { ...placed, reason: 'exited with code 1', restarts: 0 }
              : placed;
      await append(streamIds.instance(id), type, data);
    }
  };
  const register = (host: string) =>
    append(streamIds.host(host), 'HostRegistered', {
      host,
      site: 'geneva',
      securityLevel: 3,
      layers: ['process'],
      capacity: {
        cpuMillis: 8000,
        memoryBytes: 2 ** 34,
        storageBytes: 2 ** 39,
        bandwidthBps: 1e10,
      },
      costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
      features: { ups: false, raid: false },
      epoch: 1,
    });

  /** Every row of the read model, in key order. */
  const rows = async () => {
    const client = new Client({ connectionString: plane.database.url });
    await client.connect();
    try {
      const all = async (table: string, key: string) =>
        (await client.query(`SELECT * FROM supervision.${table} ORDER BY ${key}`)).rows;
      return {
        services: await all('services', 'name'),
        instances: await all('instances', 'id'),
        hosts: await all('hosts', 'id'),
      };
    } finally {
      await client.end();
    }
  };
  /** What the API answers about it all. */
  const answers = async () =>
    Promise.all(
      [
        '/v1/services',
        '/v1/services/shop',
        '/v1/instances',
        '/v1/instances?state=failed',
        '/v1/instances?host=rm-2',
        '/v1/instances/shop-web-1',
        '/v1/services?state=deploying',
      ].map(async (path) => (await plane.call('GET', path)).json),
    );

  beforeAll(async () => {
    plane = await startControlPlane('supervision_read_model', {}, { leader: false });
    pool = new Pool({ connectionString: plane.database.url, max: 2 });
    store = new PostgresEventStore(pool);
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/copy', { as: 'shop-2' });
    await plane.call('DELETE', '/v1/services/shop-2');
    await plane.call('POST', '/v1/services/shop/copy', { as: 'shop-3' });
    await plane.call('POST', '/v1/services/shop/deploy');
    await register('rm-1');
    await register('rm-2');
    await instance('shop-catalog-db-1', 'catalog-db', 'rm-1', [
      'InstancePlaced',
      'InstanceStarting',
      'InstanceRunning',
      'InstanceHealthy',
    ]);
    await instance('shop-payment-1', 'payment', 'rm-2', ['InstancePlaced', 'InstanceHealthy']);
    await instance('shop-web-1', 'web', 'rm-1', ['InstancePlaced', 'InstanceFailed']);
    await instance('shop-web-2', 'web', 'rm-1', ['InstancePlaced', 'InstanceStarting']);
    await append(streamIds.host('rm-2'), 'HostDown', {
      host: 'rm-2',
      reason: 'heartbeats stopped',
      instances: ['shop-payment-1'],
    });
    await plane.supervision.get(LiveProjection).reach(last);
  });

  afterAll(async () => {
    await pool?.end();
    await plane?.close();
  });

  it('answers services and instances from its tables, folded from the log', async () => {
    const shop = (await plane.call('GET', '/v1/services/shop')).json;
    expect(shop).toMatchObject({ name: 'shop', state: 'deploying', revision: 1 });
    expect(shop.applications.map((a: { name: string; healthy: number }) => a.healthy)).toEqual([
      1, 0, 0,
    ]);
    expect(shop.applications[1].instances).toEqual([
      expect.objectContaining({ id: 'shop-payment-1', host: 'rm-2', state: 'healthy' }),
    ]);
    expect(shop.applications[1].reason).toBe(
      'host down and not relocatable: shop-payment-1 on rm-2',
    );
    expect(contractErrors(ServiceSummary, shop)).toEqual([]);
    const listed = (await plane.call('GET', '/v1/services')).json.items;
    expect(listed.map((s: { name: string }) => s.name)).toEqual(['shop', 'shop-3']);
    const livePage = (await plane.call('GET', '/v1/instances')).json;
    expect(contractErrors(InstancePage, livePage)).toEqual([]);
    const live = livePage.items;
    expect(live.map((i: { id: string }) => i.id)).toEqual([
      'shop-catalog-db-1',
      'shop-payment-1',
      'shop-web-2',
    ]);
    const failed = (await plane.call('GET', '/v1/instances/shop-web-1')).json;
    expect(failed).toMatchObject({ state: 'failed', reason: 'exited with code 1' });
    expect(contractErrors(InstanceSummary, failed)).toEqual([]);
    expect((await plane.call('GET', '/v1/instances/nope')).status).toBe(404);
    expect((await plane.call('GET', '/v1/services/shop-2')).status).toBe(404);
  });

  it('pages lists in name and id order after the given key', async () => {
    const page = (await plane.call('GET', '/v1/instances?limit=1&after=shop-catalog-db-1')).json;
    expect(page.items.map((i: { id: string }) => i.id)).toEqual(['shop-payment-1']);
    const services = (await plane.call('GET', '/v1/services?after=shop')).json;
    expect(services.items.map((s: { name: string }) => s.name)).toEqual(['shop-3']);
  });

  it('answers a list page in one read only while its checkpoint has reached the head of the log', async () => {
    const query = { host: 'rm-1', limit: 1 };
    const current = await plane.supervision.get(SupervisionReadModel).instancesIfCurrent(query);
    expect(current).toEqual(await plane.supervision.get(SupervisionReadModel).instances(query));
    expect(current?.items.map((i) => i.id)).toEqual(['shop-catalog-db-1']);
    // A checkpoint that has applied nothing is behind every log but an empty one.
    const behind = new SupervisionReadModel(pool, 'a-projection-that-never-ran');
    expect(await behind.instancesIfCurrent(query)).toBeUndefined();
  });

  it('gives identical rows and answers when dropped and rebuilt from the log', async () => {
    const beforeRows = await rows();
    const beforeAnswers = await answers();
    expect(beforeRows.instances).toHaveLength(4);

    const client = new Client({ connectionString: plane.database.url });
    await client.connect();
    const checkpoint = () =>
      client.query(
        `SELECT position FROM eventlog.checkpoints WHERE name = 'supervision.read-model'`,
      );
    const at = Number((await checkpoint()).rows[0].position);
    // The replica's own follower may apply some of the replayed pages (never both: compare-and-set).
    await plane.supervision.get(LiveProjection).rebuild();

    expect(Number((await checkpoint()).rows[0].position)).toBe(at);
    await client.end();
    expect(await rows()).toEqual(beforeRows);
    expect(await answers()).toEqual(beforeAnswers);
  });
});
