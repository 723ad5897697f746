import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListInstancesQuery } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { loadConfig } from '@federa/runtime';
import { eventually } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { InstanceListMemory } from '../services/gateway/src/infrastructure/instance-list-memory';
import { Fleet } from './supervision-fleet';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

type Page = { items: { id: string; state: string; app: string }[]; next?: string };

/**
 * `GET /v1/instances` answered by the gateway from its own fold of the log, on a real plane: the
 * same bytes supervision sends for the same query, and never behind what its caller saw committed.
 */
describe('instance lists answered by the gateway from its memory of the log', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let memory: InstanceListMemory;
  let forwarding: GatewayApp;

  const text = async (url: string, path: string) => {
    const response = await fetch(`${url}${path}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    return { status: response.status, body: await response.text() };
  };
  const fromGateway = async (query: ListInstancesQuery) =>
    text(plane.gateway.url, `/v1/instances?${new URLSearchParams(query as never)}`);
  const fromSupervision = async (query: ListInstancesQuery) =>
    Buffer.from(
      await plane.gateway.app
        .get(CommandClient)
        .sendCommandForJson('listInstances', query, { validated: true }),
    ).toString();
  /** Memory's page, given time enough to reach the log's head on a busy machine. */
  const fromMemory = async (query: ListInstancesQuery): Promise<Page> =>
    JSON.parse((await memory.pageWhenCurrent(query, 30_000)) ?? 'null');
  const lastPosition = async () => (await plane.events()).at(-1)?.position ?? 0;
  /** The instances the log shows live (requested, and neither stopped nor failed since). */
  const liveInLog = async () => {
    const log = await plane.events();
    const ended = new Set(
      log
        .filter((e) => ['InstanceStopped', 'InstanceFailed', 'PlacementFailed'].includes(e.type))
        .map((e) => String(e.data.instance)),
    );
    return log
      .filter((e) => e.type === 'InstanceRequested' && !ended.has(String(e.data.instance)))
      .map((e) => String(e.data.instance))
      .sort();
  };
  const ids = (page: Page) => page.items.map((i) => i.id).sort();

  /**
   * What `read` gives while the log stands still (read again when it moved meanwhile: an
   * instance's state may change between two reads of a plane at work).
   */
  const atRest = async <T>(read: () => Promise<T>): Promise<T> => {
    for (;;) {
      const before = await lastPosition();
      const value = await read();
      if ((await lastPosition()) === before) return value;
    }
  };
  /** The gateway's answer, memory's, supervision's and the forwarding gateway's to `query`. */
  const answersAtRest = (query: ListInstancesQuery) =>
    atRest(async () => ({
      gateway: await fromGateway(query),
      inMemory: await memory.pageWhenCurrent(query, 30_000),
      supervision: await fromSupervision(query),
      forwarded: await text(forwarding.url, `/v1/instances?${new URLSearchParams(query as never)}`),
    }));

  beforeAll(async () => {
    plane = await startControlPlane('gateway_instance_lists');
    fleet = await Fleet.start(plane, ['h1', 'h2', 'h3', 'h4', 'h5'], { downAfterMs: 10_000 });
    memory = plane.gateway.app.get(InstanceListMemory);
    forwarding = await createGatewayApp({
      ...loadConfig({
        ...process.env,
        FEDERA_DATABASE_URL: plane.database.url,
        FEDERA_NATS_URL: plane.settings.natsUrl,
        FEDERA_SUBJECT_PREFIX: plane.prefix,
      }),
      apiToken,
      httpPort: 0,
      httpHost: '127.0.0.1',
      logLevel: 'silent',
      instanceLists: 'forward',
    });
  }, 60_000);

  afterAll(async () => {
    await forwarding?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('follows the log from its start, with no instance yet', async () => {
    await eventually(() => memory.following);
    expect(await fromMemory({})).toEqual({ items: [] });
    expect(forwarding.app.get(InstanceListMemory).following).toBe(false);
  });

  it('lists every instance of a deploy as soon as its caller saw them in the log', async () => {
    expect(
      (await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);
    await eventually(
      async () => (await plane.events(['ServiceAvailable'])).length > 0,
      90_000,
      200,
    ).catch(async (error: unknown) => {
      // What the log holds says where the deploy stopped: placing, starting, or failing instances.
      const events = await plane.events();
      const lines = events.map(
        (e) => `${e.position} ${e.streamId} ${e.type} ${JSON.stringify(e.data).slice(0, 160)}`,
      );
      throw new Error(`the shop never became available; the log:\n${lines.join('\n')}`, {
        cause: error,
      });
    });
    // Each list read right after the log showed its instances, with no wait to catch up.
    const seen = await atRest(async () => ({
      live: await liveInLog(),
      memory: ids(await fromMemory({ service: 'shop' })),
      gateway: ids(JSON.parse((await fromGateway({ service: 'shop' })).body)),
    }));
    expect(seen.live.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual({ live: seen.live, memory: seen.live, gateway: seen.live });
  }, 120_000);

  it('answers the same bytes as supervision for every filter and page', async () => {
    const web = JSON.parse((await fromGateway({ app: 'web' })).body) as Page;
    const host = web.items[0] as unknown as { host: string };
    const queries: ListInstancesQuery[] = [
      {},
      { service: 'shop' },
      { app: 'web' },
      { host: host.host },
      { state: 'healthy' },
      { state: 'stopped' },
      { service: 'other' },
      { limit: 1 },
      { limit: 2, after: web.items[0].id },
    ];
    for (const query of queries) {
      const { gateway, inMemory, supervision, forwarded } = await answersAtRest(query);
      expect({ query, status: gateway.status, body: gateway.body }).toEqual({
        query,
        status: 200,
        body: supervision,
      });
      expect(inMemory).toBe(supervision);
      expect(forwarded).toEqual(gateway);
    }
    const first = JSON.parse((await answersAtRest({ limit: 2 })).gateway.body) as Page;
    expect(first.items).toHaveLength(2);
    expect(first.next).toBe(first.items[1].id);
  }, 60_000);

  it('refuses a malformed query as before, naming the field', async () => {
    for (const [path, field] of [
      ['/v1/instances?limit=0', 'limit'],
      ['/v1/instances?state=asleep', 'state'],
      ['/v1/instances?colour=red', 'colour'],
    ]) {
      const fromMemoryGateway = await text(plane.gateway.url, path);
      const forwarded = await text(forwarding.url, path);
      expect(fromMemoryGateway.status).toBe(400);
      expect(fromMemoryGateway.body).toContain(`"${field}"`);
      expect(fromMemoryGateway).toEqual(forwarded);
    }
  });

  it('lists a stopped service as stopped as soon as its caller saw the stops in the log', async () => {
    const running = await liveInLog();
    expect((await plane.call('POST', '/v1/services/shop/stop')).status).toBe(202);
    await eventually(async () => (await liveInLog()).length === 0, 60_000, 200);
    // Read right after the log showed the last stop, with no wait to catch up.
    const seen = await atRest(async () => ({
      live: await liveInLog(),
      memory: await fromMemory({ service: 'shop' }),
      gateway: JSON.parse((await fromGateway({ service: 'shop' })).body),
      stopped: ids(await fromMemory({ state: 'stopped' })),
    }));
    expect(seen).toMatchObject({ live: [], memory: { items: [] }, gateway: { items: [] } });
    for (const id of running) expect(seen.stopped).toContain(id);
  }, 90_000);
});
