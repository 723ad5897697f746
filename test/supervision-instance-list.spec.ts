import { randomUUID } from 'node:crypto';
import {
  newEvent,
  streamIds,
  type EventTypeName,
  type ListInstancesQuery,
} from '@federa/contracts';
import { LiveProjection, PostgresEventStore } from '@federa/eventstore';
import { Pool } from 'pg';
import { InstanceListFollower } from '../services/supervision/src/infrastructure/instance-list-follower';
import { SupervisionReadModel } from '../services/supervision/src/infrastructure/supervision-read-model';
import { eventually } from '@federa/testing';
import { startControlPlane, type ControlPlane } from './supervision-harness';

/**
 * Instance lists answered from supervision's memory, on a standby replica (the test holds the
 * leader lock): only what the test appends to the log feeds it.
 */
describe('instance lists answered from memory', () => {
  let plane: ControlPlane;
  let pool: Pool;
  let store: PostgresEventStore;
  const followers: InstanceListFollower[] = [];

  const append = async (id: string, type: EventTypeName, data: object = {}) => {
    const metadata = {
      correlationId: randomUUID(),
      actor: 'test',
      occurredAt: new Date().toISOString(),
    };
    const ref = { service: 'shop', app: id.split('-')[1], instance: id };
    await store.append(streamIds.instance(id), 'any', [
      newEvent(type, { ...ref, ...data } as never, metadata),
    ]);
  };
  const resources = { cpuMillis: 100, memoryBytes: 2 ** 20, storageBytes: 0, bandwidthBps: 0 };
  const request = (id: string) =>
    append(id, 'InstanceRequested', { layer: 'sim', resources, revision: 1, reason: 'deploy' });
  const place = (id: string, host: string) =>
    append(id, 'InstancePlaced', {
      host,
      layer: 'sim',
      resources,
      scores: { total: 1, byScorer: {} },
      hostsConsidered: 1,
      hostEpoch: 1,
      costPerHour: 0.1,
    });
  const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);
  const follower = (readModel?: string) => {
    const started = new InstanceListFollower(pool, store, { pollMs: 10 }, readModel);
    followers.push(started);
    started.start();
    return started;
  };
  const memoryPage = async (list: InstanceListFollower, query: ListInstancesQuery) =>
    // A generous deadline: another test's open transaction on the shared Postgres may hold it up.
    JSON.parse((await list.pageWhenCurrent(query, 30_000)) ?? 'null');

  beforeAll(async () => {
    plane = await startControlPlane('supervision_instance_list', {}, { leader: false });
    pool = new Pool({ connectionString: plane.database.url, max: 3 });
    store = new PostgresEventStore(pool);
    await plane.call('PUT', '/v1/services/shop', { name: 'shop', applications: [] });
  });

  afterAll(async () => {
    for (const started of followers) await started.stop();
    await pool?.end();
    await plane?.close();
  });

  // Whether memory or the read model answers depends on what else the shared Postgres is doing
  // (memory gives way to the read model past its deadline): the answers are what is asserted.
  it('lists every instance its caller saw committed, at once', async () => {
    const memory = plane.supervision.get(InstanceListFollower);
    await eventually(() => memory.following);
    for (let n = 1; n <= 20; n++) {
      const id = `shop-web-${String(n).padStart(2, '0')}`;
      await request(id);
      // No wait between the commit and the list: the list must already show it.
      expect(ids((await plane.call('GET', '/v1/instances?limit=500')).json)).toContain(id);
      await place(id, `h-${n % 3}`);
      const onHost = (await plane.call('GET', `/v1/instances?host=h-${n % 3}`)).json;
      expect(ids(onHost)).toContain(id);
    }
    await append('shop-web-07', 'InstanceFailed', {
      host: 'h-1',
      reason: 'exited with code 1',
      restarts: 0,
    });
    expect(ids((await plane.call('GET', '/v1/instances?limit=500')).json)).not.toContain(
      'shop-web-07',
    );
    expect(ids((await plane.call('GET', '/v1/instances?state=failed')).json)).toEqual([
      'shop-web-07',
    ]);
  });

  it('pages with limit, after and next through the gateway as the read model does', async () => {
    const first = (await plane.call('GET', '/v1/instances?limit=8')).json;
    expect(first.items).toHaveLength(8);
    expect(first.next).toBe('shop-web-09'); // shop-web-07 failed: not live
    const second = (await plane.call('GET', `/v1/instances?limit=8&after=${first.next}`)).json;
    expect(ids(second)[0]).toBe('shop-web-10');
    await plane.supervision.get(LiveProjection).current();
    const readModel = plane.supervision.get(SupervisionReadModel);
    for (const query of [
      { limit: 8 },
      { limit: 8, after: first.next },
      { host: 'h-1' },
      { state: 'failed' as const },
      { service: 'shop', app: 'web', limit: 3, after: 'shop-web-02' },
      { service: 'other' },
    ]) {
      expect([
        query,
        (await plane.call('GET', `/v1/instances?${new URLSearchParams(query as never)}`)).json,
      ]).toEqual([query, JSON.parse(JSON.stringify(await readModel.instances(query)))]);
    }
  });

  it('starts from the read model and its checkpoint, or from the log alone, to the same pages', async () => {
    const live = plane.supervision.get(InstanceListFollower);
    const fromRows = follower();
    const fromLog = follower('a-read-model-that-never-ran');
    await eventually(() => fromRows.following && fromLog.following);
    await request('shop-db-1');
    for (const query of [{}, { state: 'failed' as const }, { limit: 3, after: 'shop-web-10' }]) {
      const expected = await memoryPage(live, query);
      expect(ids(expected)).toContain(
        query.limit ? 'shop-web-11' : query.state ? 'shop-web-07' : 'shop-db-1',
      );
      expect(await memoryPage(fromRows, query)).toEqual(expected);
      expect(await memoryPage(fromLog, query)).toEqual(expected);
    }
  });

  it('answers nothing from memory before it has loaded, so that the read model answers', async () => {
    const idle = new InstanceListFollower(pool, store);
    expect(idle.following).toBe(false);
    expect(await idle.pageWhenCurrent({})).toBeUndefined();
  });
});
