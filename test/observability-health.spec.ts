import { Module, type INestMicroservice } from '@nestjs/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigurationError,
  ServiceHealth,
  loadConfig,
  opsServerOf,
  runService,
} from '@federa/runtime';
import {
  eventually,
  freshDatabase,
  itWhen,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import { loadInventoryConfig } from '../services/inventory/src';
import { InventoryModule } from '../services/inventory/src/inventory.module';
import { PlacementModule } from '../services/placement/src/placement.module';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const json = JSONCodec();

/**
 * Two services as their mains start them, each with FEDERA_METRICS_PORT=0: inventory on a Postgres
 * cluster of the test's own (stopped at the end, to see /readyz name it), placement on the shared one.
 */
describe('health and metrics endpoints of a service process', () => {
  const skip = throwawayPostgresUnavailable();
  let cluster: ThrowawayPostgres | undefined;
  let database: FreshDatabase;
  let inventory: INestMicroservice;
  let placement: INestMicroservice;
  let nc: NatsConnection;
  let prefix: string;

  const urlOf = (app: INestMicroservice, path: string): string => {
    const ops = opsServerOf(app);
    if (!ops) throw new Error('the service opened no ops server');
    return `http://127.0.0.1:${ops.port}${path}`;
  };

  beforeAll(async () => {
    if (skip) return;
    process.env.FEDERA_METRICS_PORT = '0';
    prefix = uniquePrefix('opshealth');
    cluster = await ThrowawayPostgres.start();
    database = await freshDatabase('ops_health');
    const env = { ...process.env, FEDERA_NATS_URL: natsUrl, FEDERA_SUBJECT_PREFIX: prefix };
    const inventoryConfig = loadInventoryConfig({ ...env, FEDERA_DATABASE_URL: cluster.url() });
    inventory = await runService(InventoryModule.forRoot(inventoryConfig), {
      name: 'inventory',
      config: inventoryConfig.federa,
    });
    const placementConfig = loadConfig({ ...env, FEDERA_DATABASE_URL: database.url });
    placement = await runService(PlacementModule.forRoot({ config: placementConfig }), {
      name: 'placement',
      config: placementConfig,
    });
    nc = await connect({ servers: natsUrl });
  });

  afterAll(async () => {
    if (skip) return;
    await nc?.close();
    await placement?.close();
    // Back up, so that inventory stops as it would in production rather than waiting out its pool.
    cluster?.restart();
    await inventory?.close();
    await database?.drop();
    cluster?.dispose();
  });

  itWhen(skip)('answers /healthz on each service’s own port', async () => {
    expect(opsServerOf(inventory)?.port).not.toBe(opsServerOf(placement)?.port);
    for (const app of [inventory, placement]) {
      const response = await fetch(urlOf(app, '/healthz'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });

  itWhen(skip)('answers /readyz ok once each service’s dependencies answer', async () => {
    for (const app of [inventory, placement]) {
      await eventually(async () => (await fetch(urlOf(app, '/readyz'))).status === 200);
      expect(await (await fetch(urlOf(app, '/readyz'))).json()).toEqual({ status: 'ok' });
    }
  });

  itWhen(skip)('counts an answered command and a refused one in /metrics', async () => {
    await nc.request(`${prefix}.cmd.inventory.list-hosts`, json.encode({}), { timeout: 5000 });
    const refused = json.decode(
      (await nc.request(`${prefix}.cmd.inventory.list-hosts`, json.encode({ state: 'nonsense' })))
        .data,
    ) as { ok: boolean };
    expect(refused.ok).toBe(false);
    const response = await fetch(urlOf(inventory, '/metrics'));
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      'federa_commands_total{service="inventory",command="list-hosts",outcome="ok"} 1',
    );
    expect(text).toContain(
      'federa_commands_total{service="inventory",command="list-hosts",outcome="refused"} 1',
    );
    expect(text).toContain('federa_nats_connected{service="inventory"} 1');
    expect(text).toMatch(/federa_db_pool_connections\{service="inventory",state="total"\} [1-9]/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  itWhen(skip)('answers /readyz 503 naming postgres once its Postgres is gone', async () => {
    cluster?.stop();
    const response = await eventually(async () => {
      const answer = await fetch(urlOf(inventory, '/readyz'));
      return answer.status === 503 ? answer : undefined;
    });
    const body = (await response!.json()) as {
      error: { code: string; message: string; details: Array<{ dependency: string }> };
    };
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toContain('postgres is down');
    expect(body.error.details.map((d) => d.dependency)).toContain('postgres');
    // Placement's Postgres is another one: it stays ready.
    expect((await fetch(urlOf(placement, '/readyz'))).status).toBe(200);
  });
});

@Module({ providers: [{ provide: ServiceHealth, useValue: new ServiceHealth('idle') }] })
class IdleModule {}

describe('a service whose metrics port cannot be used', () => {
  const previousPort = process.env.FEDERA_METRICS_PORT;
  afterEach(() => {
    if (previousPort === undefined) delete process.env.FEDERA_METRICS_PORT;
    else process.env.FEDERA_METRICS_PORT = previousPort;
  });

  it('fails to start on a FEDERA_METRICS_PORT that is no port, before it connects anywhere', async () => {
    process.env.FEDERA_METRICS_PORT = 'http';
    // No NATS listens there: a start that got as far as connecting would wait, not refuse.
    const config = loadConfig({
      FEDERA_NATS_URL: 'nats://127.0.0.1:1',
      FEDERA_SUBJECT_PREFIX: 'x',
    });
    await expect(runService(IdleModule, { name: 'idle', config })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  it('fails to start on a port already taken, having subscribed to no command', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    process.env.FEDERA_METRICS_PORT = String((taken.address() as AddressInfo).port);
    const prefix = uniquePrefix('opsport');
    const nc = await connect({ servers: natsUrl });
    try {
      const config = loadConfig({ FEDERA_NATS_URL: natsUrl, FEDERA_SUBJECT_PREFIX: prefix });
      await expect(runService(IdleModule, { name: 'idle', config })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      await expect(
        nc.request(`${prefix}.cmd.idle.anything`, json.encode({}), { timeout: 1000 }),
      ).rejects.toMatchObject({ code: '503' });
    } finally {
      await nc.close();
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
