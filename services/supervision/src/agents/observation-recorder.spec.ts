import { streamIds } from '@federa/contracts';
import { unhealthyFailureReason } from '../domain/unhealthy-grace';
import { InstanceWriter } from '../supervisor/instance-writer';
import { SupervisedShop } from '../testing/supervised-shop.fixture';
import type { ObservedInstance } from '../infrastructure/agent-link';
import { ObservationRecorder } from './observation-recorder';

describe('the observation recorder', () => {
  let shop: SupervisedShop;
  let leader: boolean;
  let loads: { app: string; load: number }[];
  let recorder: ObservationRecorder;

  const seen = (instance: string, state: string, extra: Partial<ObservedInstance> = {}) =>
    recorder.record({ host: 'h1', instance, state, at: 0, ...extra });
  const events = async (instance: string) =>
    (await shop.store.readStream(streamIds.instance(instance))).events;
  const started = async (id: string, app = 'db') => {
    await shop.instance(id, app, 'h1');
    await shop.decide(id, { type: 'start', host: 'h1', layer: 'process' });
  };

  beforeEach(async () => {
    shop = await SupervisedShop.deployed();
    leader = true;
    loads = [];
    const writer = new InstanceWriter(shop.store, shop.view, { debug: () => {} });
    recorder = new ObservationRecorder(
      shop.view,
      writer,
      { record: (app, load) => loads.push({ app, load }) },
      () => leader,
    );
  });

  it('records the first running and healthy reports of a started instance, and nothing for a repeat', async () => {
    await started('shop-db-1');

    await seen('shop-db-1', 'running');
    await shop.sync();
    await seen('shop-db-1', 'healthy');
    await shop.sync();
    await seen('shop-db-1', 'healthy');
    await seen('shop-db-1', 'running');

    expect((await events('shop-db-1')).slice(-2).map((e) => e.type)).toEqual([
      'InstanceRunning',
      'InstanceHealthy',
    ]);
  });

  it('records each change of a burst once, though the view has seen none of them', async () => {
    await started('shop-db-1');

    await Promise.all([
      seen('shop-db-1', 'running'),
      seen('shop-db-1', 'running'),
      seen('shop-db-1', 'healthy'),
    ]);

    const types = (await events('shop-db-1')).map((e) => e.type);
    expect(types.filter((t) => t === 'InstanceHealthy')).toHaveLength(1);
    expect(types.filter((t) => t === 'InstanceRunning').length).toBeLessThanOrEqual(1);
    expect(types.at(-1)).toBe('InstanceHealthy');
  });

  it('ignores an agent that does not hold the instance', async () => {
    await started('shop-db-1');

    await seen('shop-db-1', 'failed', { host: 'h2' });

    expect((await events('shop-db-1')).at(-1)?.type).toBe('InstanceStarting');
  });

  it('records an unhealthy probe with its detail and the application’s failure threshold', async () => {
    await started('shop-db-1');

    await seen('shop-db-1', 'unhealthy', { detail: 'GET /healthz: 500' });

    expect((await events('shop-db-1')).at(-1)).toMatchObject({
      type: 'InstanceUnhealthy',
      data: { reason: 'GET /healthz: 500', consecutiveFailures: 3, host: 'h1' },
    });
  });

  it('records an instance stopped for staying unhealthy as failed, so that it counts as a failure', async () => {
    await started('shop-db-1');
    await shop.decide('shop-db-1', { type: 'request-stop', reason: 'unhealthy' });

    await seen('shop-db-1', 'stopped');

    expect((await events('shop-db-1')).at(-1)).toMatchObject({
      type: 'InstanceFailed',
      data: { reason: unhealthyFailureReason },
    });
  });

  it('records a lost instance healthy again when its agent reports it', async () => {
    await started('shop-payment-1', 'payment');
    await shop.decide('shop-payment-1', {
      type: 'observe',
      host: 'h1',
      state: 'healthy',
      failureThreshold: 3,
    });
    await shop.decide('shop-payment-1', { type: 'mark-lost', reason: 'host h1 down' });
    expect(shop.view.instances.get('shop-payment-1')?.state).toBe('lost');

    await seen('shop-payment-1', 'healthy');
    await shop.sync();

    expect(shop.view.instances.get('shop-payment-1')?.state).toBe('healthy');
  });

  it('feeds the autoscaler with the load of healthy instances on every replica, and records nothing on a standby', async () => {
    leader = false;
    await started('shop-web-1', 'web');

    await seen('shop-web-1', 'healthy', { load: 0.8 });

    expect(loads).toEqual([{ app: 'shop/web', load: 0.8 }]);
    expect((await events('shop-web-1')).at(-1)?.type).toBe('InstanceStarting');
  });
});
