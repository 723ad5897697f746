import { streamIds } from '@federa/contracts';
import {
  evolveInstanceLife,
  initialInstanceLife,
  type InstanceEvent,
} from '@federa/instance-lifecycle';
import { unhealthyFailureReason } from '../domain/unhealthy-grace';
import { InstanceWriter } from '../supervisor/instance-writer';
import { placed, SupervisedShop } from '../testing/supervised-shop.fixture';
import type { ObservedInstance } from '../infrastructure/agent-link';
import type { AgentCommand } from '@federa/contracts';
import { CopyFencer } from './copy-fencer';
import { ObservationRecorder } from './observation-recorder';
import { StaleEpochLog } from './stale-epoch-log';

describe('the observation recorder', () => {
  let shop: SupervisedShop;
  let leader: boolean;
  let loads: { app: string; load: number }[];
  let recorder: ObservationRecorder;
  let now: number;
  let sent: { host: string; command: AgentCommand }[];
  let staleLines: string[];
  let caughtUp: boolean;

  const seen = (instance: string, state: string, extra: Partial<ObservedInstance> = {}) =>
    recorder.record({ host: 'h1', instance, state, at: 0, epoch: 1, ...extra });
  const events = async (instance: string) =>
    (await shop.store.readStream(streamIds.instance(instance))).events;
  const started = async (id: string, app = 'db') => {
    await shop.instance(id, app, 'h1');
    await shop.decide(id, { type: 'start', host: 'h1', layer: 'process' });
  };

  beforeEach(async () => {
    shop = await SupervisedShop.deployed();
    shop.host('h1');
    shop.host('h2');
    leader = true;
    loads = [];
    const writer = new InstanceWriter(shop.store, shop.view, { debug: () => {} });
    now = 1_000_000;
    sent = [];
    staleLines = [];
    caughtUp = true;
    const link = {
      send: async (host: string, command: AgentCommand) => sent.push({ host, command }),
    };
    recorder = new ObservationRecorder(
      shop.view,
      writer,
      { record: (app, load) => loads.push({ app, load }) },
      () => leader,
      () => now,
      {
        fencer: new CopyFencer(link, { log: () => {}, warn: () => {} }, () => now),
        stale: new StaleEpochLog(
          (line) => staleLines.push(line),
          30_000,
          () => now,
        ),
        // The stream itself, as the supervisor reads it: the view may be behind.
        readLife: async (instance) => {
          const stream = await events(instance);
          if (stream.length === 0) return undefined;
          return stream.reduce(
            (life, e) => evolveInstanceLife(life, { type: e.type, data: e.data } as InstanceEvent),
            initialInstanceLife(),
          );
        },
        viewCaughtUp: () => caughtUp,
      },
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

  it('records where the agent says the instance answers, once, and the view shows it', async () => {
    await started('shop-db-1');
    const endpoint = { address: '10.0.0.9', port: 41234 };

    await Promise.all([
      seen('shop-db-1', 'running', { endpoint }),
      seen('shop-db-1', 'healthy', { endpoint }),
      seen('shop-db-1', 'healthy', { endpoint }),
    ]);
    await shop.sync();

    const running = (await events('shop-db-1')).filter((e) => e.type === 'InstanceRunning');
    expect(running.map((e) => (e.data as { endpoint?: unknown }).endpoint)).toEqual([endpoint]);
    expect(shop.view.instances.get('shop-db-1')).toMatchObject({ state: 'healthy', endpoint });
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

  describe('fencing', () => {
    const failedOnH1 = async (id: string) => {
      await started(id);
      await shop.decide(id, { type: 'fail', reason: 'host h1 down', restarts: 0 });
    };

    it('tells the agent to stop a healthy copy of an instance that failed in the log, and records nothing', async () => {
      shop.host('h1', 4);
      await failedOnH1('shop-db-1');
      const before = await events('shop-db-1');

      await seen('shop-db-1', 'healthy', { epoch: 4, intervalMs: 200 });

      expect(sent).toEqual([
        {
          host: 'h1',
          command: expect.objectContaining({
            type: 'stop',
            instance: 'shop-db-1',
            epoch: 4,
          }),
        },
      ]);
      expect(await events('shop-db-1')).toEqual(before);
    });

    it('sends at most one stop per heartbeat interval, and again while the agent goes on reporting the copy', async () => {
      await failedOnH1('shop-db-1');

      await seen('shop-db-1', 'healthy', { epoch: 1, intervalMs: 200 });
      now += 100;
      await seen('shop-db-1', 'healthy', { epoch: 1, intervalMs: 200 });
      now += 100;
      await seen('shop-db-1', 'healthy', { epoch: 1, intervalMs: 200 });

      expect(sent).toHaveLength(2);
      // A new command id each time: an agent never acts twice on one id.
      expect(sent[0].command.commandId).not.toBe(sent[1].command.commandId);
    });

    it('records nothing when the fenced copy reports that it stopped, and stops a stopping copy again', async () => {
      await failedOnH1('shop-db-1');
      const before = await events('shop-db-1');

      // A stop may never end (an agent restarted in the middle of it): a stopping copy is fenced.
      await seen('shop-db-1', 'stopping', { epoch: 1 });
      expect(sent).toMatchObject([
        { host: 'h1', command: { type: 'stop', instance: 'shop-db-1' } },
      ]);
      await seen('shop-db-1', 'stopped', { epoch: 1, detail: 'fenced' });

      expect(await events('shop-db-1')).toEqual(before);
      expect(sent).toHaveLength(1);
    });

    it('stops a copy of an instance the log has on another host', async () => {
      await started('shop-db-1');

      await seen('shop-db-1', 'running', { host: 'h2', epoch: 1 });

      expect(sent).toMatchObject([
        { host: 'h2', command: { type: 'stop', instance: 'shop-db-1' } },
      ]);
    });

    it('stops a copy of an instance the log has never had, once the log itself is read', async () => {
      await seen('shop-db-9', 'running', { epoch: 1 });

      expect(sent).toMatchObject([
        { host: 'h1', command: { type: 'stop', instance: 'shop-db-9' } },
      ]);
    });

    it('does not read the log for unknown instances while the view is still catching up', async () => {
      caughtUp = false;

      await seen('shop-db-9', 'running', { epoch: 1 });

      expect(sent).toEqual([]);
    });

    it('sends no stop while the view catches up, though the last tick found this replica leading', async () => {
      await failedOnH1('shop-db-1');
      caughtUp = false;

      await seen('shop-db-1', 'healthy');

      expect(sent).toEqual([]);
    });

    it('stops nothing the view holds only requested (its placement not applied yet), and adopts it from the log', async () => {
      await shop.instance('shop-db-1', 'db');
      await shop.decide(
        'shop-db-1',
        { type: 'place', data: placed('shop-db-1', 'db', 'h1') },
        true,
      );
      await shop.decide('shop-db-1', { type: 'start', host: 'h1', layer: 'process' }, true);

      caughtUp = false;
      await seen('shop-db-1', 'healthy');
      expect(sent).toEqual([]);

      caughtUp = true;
      await seen('shop-db-1', 'healthy');
      expect(sent).toEqual([]);
      expect((await events('shop-db-1')).at(-1)?.type).toBe('InstanceHealthy');
    });

    it('sends no stop to a host the view does not know, whose epoch it cannot check', async () => {
      await failedOnH1('shop-db-1');

      await seen('shop-db-1', 'healthy', { host: 'h9', epoch: 1 });

      expect(sent).toEqual([]);
    });

    it('leaves fencing to the leader', async () => {
      leader = false;
      await failedOnH1('shop-db-1');

      await seen('shop-db-1', 'healthy', { epoch: 1 });

      expect(sent).toEqual([]);
    });
  });

  it('keeps a lost instance lost while its down host reports it under the epoch it went down with, and adopts it once the host registers again', async () => {
    await started('shop-payment-1', 'payment');
    await shop.decide('shop-payment-1', {
      type: 'observe',
      host: 'h1',
      state: 'healthy',
      failureThreshold: 3,
    });
    await shop.decide('shop-payment-1', { type: 'mark-lost', reason: 'host h1 down' });
    shop.host('h1', 1, true);

    await seen('shop-payment-1', 'healthy', { epoch: 1 });
    await shop.sync();
    expect(shop.view.instances.get('shop-payment-1')?.state).toBe('lost');

    shop.host('h1', 2);
    await seen('shop-payment-1', 'healthy', { epoch: 2 });
    await shop.sync();
    expect(shop.view.instances.get('shop-payment-1')?.state).toBe('healthy');
  });

  it('drops a report from an epoch older than the host’s, and says so', async () => {
    shop.host('h1', 3);
    await started('shop-db-1');
    const before = await events('shop-db-1');

    await seen('shop-db-1', 'failed', { epoch: 2, detail: 'forged' });

    expect(await events('shop-db-1')).toEqual(before);
    expect(staleLines).toEqual([
      'dropped 1 message(s) from host h1 at stale epoch 2 (its epoch is 3)',
    ]);
  });

  it('records a failure whose detail holds NUL and control characters, cleaned', async () => {
    await started('shop-db-1');

    await seen('shop-db-1', 'failed', { detail: 'exit\u0000 1\u001b[0m' });

    expect((await events('shop-db-1')).at(-1)).toMatchObject({
      type: 'InstanceFailed',
      data: { reason: 'exit\ufffd 1\ufffd[0m' },
    });
  });
});
