import { randomUUID } from 'node:crypto';
import { FederaError, streamIds } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { registrationOf } from './inventory-fake-agent';
import { InventoryHarness } from './inventory-harness';

jest.setTimeout(30_000);

describe('inventory: registration, operator actions and the hosts read model', () => {
  let inv: InventoryHarness;

  beforeAll(async () => {
    inv = await InventoryHarness.start();
  });

  afterAll(async () => {
    await inv.stop();
  });

  const hostView = (host: string) =>
    inv.client.send<Record<string, unknown>>('inventory', 'get-host', { host });

  it('registers a new host at epoch 1 and lists it with what the agent told', async () => {
    const agent = inv.agent('reg-1');
    expect(await agent.register()).toBe(1);
    agent.start();
    expect(await inv.eventTypes('reg-1')).toEqual(['HostRegistered']);
    const view = await eventually(() => hostView('reg-1'));
    expect(view).toMatchObject({
      id: 'reg-1',
      site: 'geneva',
      state: 'ready',
      cordoned: false,
      layers: ['sim'],
      capacity: {
        cpuMillis: 4000,
        memoryBytes: 8 * 2 ** 30,
        storageBytes: 100 * 2 ** 30,
        bandwidthBps: 1e9,
      },
      allocated: { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
      securityLevel: 2,
      costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
      features: { ups: true, raid: true },
      epoch: 1,
    });
    const { items } = await inv.client.send<{ items: { id: string }[] }>(
      'inventory',
      'list-hosts',
      {},
    );
    expect(items.map((h) => h.id)).toContain('reg-1');
  });

  it('bumps the epoch on re-registration after an agent restart and records the new capacity', async () => {
    const agent = inv.agent('reg-2');
    await agent.register();
    const bigger = registrationOf('reg-2', 'geneva', 1000);
    bigger.capacity.cpuMillis = 16000;
    expect(await agent.register(bigger)).toBe(2);
    expect(await inv.eventTypes('reg-2')).toEqual([
      'HostRegistered',
      'HostRecovered',
      'HostCapacityChanged',
    ]);
    const view = await eventually(async () => {
      const v = await hostView('reg-2');
      return v.epoch === 2 ? v : undefined;
    });
    expect(view).toMatchObject({ capacity: { cpuMillis: 16000 }, state: 'ready' });
  });

  it('answers the same epoch when the same agent run retries its registration', async () => {
    const agent = inv.agent('reg-3');
    const registration = registrationOf('reg-3', 'geneva', 1000);
    await agent.register(registration);
    expect(await agent.register(registration)).toBe(1);
    expect(await inv.eventTypes('reg-3')).toEqual(['HostRegistered']);
  });

  it('refuses a malformed registration, naming each bad field, and records nothing', async () => {
    const agent = inv.agent('reg-bad');
    const bad = registrationOf('reg-bad', 'geneva', 1000) as unknown as Record<string, unknown>;
    bad.layers = ['vmware'];
    (bad.capacity as Record<string, unknown>).cpuMillis = -1;
    delete bad.costs;
    const reply = await agent.registerRaw(bad);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('validation_failed');
    const paths = (reply.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['layers', 'capacity.cpuMillis', 'costs']));
    const labelled = await agent.registerRaw({
      ...registrationOf('reg-bad', 'geneva', 1000),
      labels: { rack: 7 },
    });
    expect(labelled).toMatchObject({ ok: false, error: { details: [{ path: 'labels.rack' }] } });
    expect(await inv.eventTypes('reg-bad')).toEqual([]);
  });

  it('cordons, uncordons and drains a host; an empty host is drained at once', async () => {
    const agent = inv.agent('ops-1');
    await agent.register();
    agent.start();
    expect(
      await inv.client.send('inventory', 'cordon', { host: 'ops-1', reason: 'maintenance' }),
    ).toMatchObject({
      cordoned: true,
      state: 'ready',
    });
    expect(await inv.client.send('inventory', 'uncordon', { host: 'ops-1' })).toMatchObject({
      cordoned: false,
    });
    expect(await inv.client.send('inventory', 'drain', { host: 'ops-1' })).toMatchObject({
      state: 'drained',
    });
    expect(await inv.eventTypes('ops-1')).toEqual([
      'HostRegistered',
      'HostCordoned',
      'HostUncordoned',
      'HostDrainStarted',
      'HostDrained',
    ]);
  });

  it('counts placed instances as allocated, and refuses to retire their host unless forced', async () => {
    const agent = inv.agent('ops-2');
    await agent.register();
    agent.start();
    const resources = {
      cpuMillis: 500,
      memoryBytes: 2 ** 27,
      storageBytes: 2 ** 30,
      bandwidthBps: 1e8,
    };
    for (const instance of ['shop-web-1', 'shop-web-2']) {
      await inv.store.append(streamIds.instance(instance), 'any', [
        {
          type: 'InstancePlaced',
          data: {
            service: 'shop',
            app: 'web',
            instance,
            host: 'ops-2',
            layer: 'sim',
            resources,
            scores: { total: 1, byScorer: {} },
            hostsConsidered: 1,
            hostEpoch: 1,
            costPerHour: 0.1,
          },
          metadata: {
            correlationId: randomUUID(),
            actor: 'placement',
            occurredAt: new Date().toISOString(),
          },
        },
      ]);
    }
    const view = await eventually(async () => {
      const v = await hostView('ops-2');
      return v.instances === 2 ? v : undefined;
    });
    expect(view!.allocated).toEqual({
      cpuMillis: 1000,
      memoryBytes: 2 ** 28,
      storageBytes: 2 ** 31,
      bandwidthBps: 2e8,
    });
    const refusal = await inv.client
      .send('inventory', 'retire', { host: 'ops-2' })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(FederaError);
    expect(refusal).toMatchObject({ code: 'conflict' });
    expect(await inv.client.send('inventory', 'drain', { host: 'ops-2' })).toMatchObject({
      state: 'draining',
    });
    expect(
      await inv.client.send('inventory', 'retire', { host: 'ops-2', force: true }),
    ).toMatchObject({
      state: 'retired',
    });
    const [, , retired] = await inv.events('ops-2');
    expect(retired).toMatchObject({ type: 'HostRetired', data: { forced: true } });
    const again = await inv.agent('ops-2').registerRaw(registrationOf('ops-2', 'geneva', 1000));
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('answers not found for an unknown host and names a malformed host id', async () => {
    await expect(hostView('nobody')).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      inv.client.send('inventory', 'cordon', { host: 'Not A Host' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'host' }],
    });
  });

  it('rebuilds the read model from the log into the same rows', async () => {
    const rows = async () =>
      (await inv.pool.query('SELECT * FROM inventory.hosts ORDER BY id')).rows.concat(
        (await inv.pool.query('SELECT * FROM inventory.host_instances ORDER BY instance')).rows,
      );
    const { ProjectionRunner } = await import('@federa/eventstore');
    const { HostProjection } =
      await import('../services/inventory/src/infrastructure/host-projection');
    const runner = new ProjectionRunner(inv.pool, inv.store, new HostProjection());
    await runner.catchUp();
    const before = await rows();
    expect(before.length).toBeGreaterThan(5);
    await runner.rebuild();
    expect(await rows()).toEqual(before);
  });
});
