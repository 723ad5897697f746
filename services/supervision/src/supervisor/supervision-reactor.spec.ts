import { backupKey, streamIds, type AgentCommand, type BackupCopy } from '@federa/contracts';
import { AgentDispatcher } from '../agents/agent-dispatcher';
import { AutoscalingPolicy } from '../domain/autoscaling-policy';
import { defaultBackoff } from '../domain/restart-backoff';
import { CaughtUpWaiters } from './caught-up-waiters';
import { InstanceWriter } from './instance-writer';
import { LostInstanceWords } from './lost-instance-words';
import { ServiceWriter } from './service-writer';
import { placed, resources, SupervisedShop } from '../testing/supervised-shop.fixture';
import { SupervisionReactor } from './supervision-reactor';

describe('the supervision reactor', () => {
  let shop: SupervisedShop;
  let sent: { host: string; command: AgentCommand }[];
  let reactor: SupervisionReactor;
  let copies: Map<string, BackupCopy>;
  let clock: () => number;
  let lostWords: LostInstanceWords;
  /** When set, the agents never answer (the bus cannot reach them, their requests never time out). */
  let hang: boolean;

  const instancesOf = (app: string) =>
    [...shop.view.instances.values()].filter((i) => i.app === app);
  const lastEvent = async (id: string) =>
    (await shop.store.readStream(streamIds.instance(id))).events.at(-1);

  beforeEach(async () => {
    shop = await SupervisedShop.deployed();
    shop.following = true;
    shop.host('h1');
    shop.host('h2');
    sent = [];
    copies = new Map();
    clock = Date.now;
    hang = false;
    const agents = {
      send: async (host: string, command: AgentCommand) => {
        sent.push({ host, command });
        if (hang) await new Promise(() => {});
      },
    };
    lostWords = new LostInstanceWords(shop.view, () => clock());
    const waiters = new CaughtUpWaiters(shop.view);
    const writer = new InstanceWriter(shop.store, shop.view, { debug: () => {} });
    const dispatcher = new AgentDispatcher(shop.view, agents, writer, 5000, { warn: () => {} });
    reactor = new SupervisionReactor(
      shop.view,
      { holds: async () => true },
      dispatcher,
      writer,
      new ServiceWriter(shop.store, waiters),
      waiters,
      new AutoscalingPolicy(10_000),
      // No tick runs by itself in these tests: each is called by hand.
      {
        tickMs: 3_600_000,
        backoff: defaultBackoff,
        unhealthyGraceMs: 10_000,
        partitionGraceMs: 10_000,
        heartbeatMs: 1000,
      },
      { log: () => {}, warn: () => {} },
      () => clock(),
      undefined,
      { newestOf: async (instance) => copies.get(instance), deliver: async () => 'copied' },
      lostWords,
    );
    shop.view.onApplied((events) => {
      waiters.check();
      reactor.applied(events);
    });
  });

  afterEach(() => reactor.stop());

  it('requests the applications whose dependencies are ready, on its tick', async () => {
    await reactor.tick();

    expect(instancesOf('db')).toEqual([expect.objectContaining({ state: 'pending' })]);
    expect(instancesOf('payment')).toEqual([]);
  });

  it('requests instances for whoever deployed the service, caused by the deploy', async () => {
    const deploy = (await shop.store.readStream(streamIds.service('shop'))).events.find(
      (e) => e.type === 'ServiceDeployStarted',
    )!;
    await reactor.tick();

    expect((await lastEvent(instancesOf('db')[0].id))?.metadata).toMatchObject({
      actor: 'test',
      decidedBy: 'supervision',
      causationId: deploy.eventId,
      correlationId: deploy.metadata.correlationId,
    });
  });

  it('names itself for the replacement of an instance that failed since the deploy, caused by the failure', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    for (const state of ['running', 'healthy'])
      await shop.decide('shop-db-1', { type: 'observe', host: 'h1', state, failureThreshold: 3 });
    await shop.decide('shop-db-1', {
      type: 'fail',
      reason: 'host h1 down',
      cause: 'host-down',
      restarts: 0,
    });
    const failed = await lastEvent('shop-db-1');
    await reactor.tick();

    const replacement = instancesOf('db').find((i) => i.id !== 'shop-db-1')!;
    expect((await lastEvent(replacement.id))?.metadata).toMatchObject({
      actor: 'supervision',
      decidedBy: 'supervision',
      causationId: failed?.eventId,
    });
  });

  it('starts an instance as soon as the view applies its placement, without waiting for a tick', async () => {
    await reactor.tick();
    const db = instancesOf('db')[0];

    await shop.decide(db.id, { type: 'place', data: placed(db.id, 'db', 'h1') });
    await reactor.stop();

    expect(sent).toEqual([
      {
        host: 'h1',
        command: expect.objectContaining({ type: 'start', commandId: `start-${db.id}` }),
      },
    ]);
    expect((await lastEvent(db.id))?.type).toBe('InstanceStarting');
  });

  it('requests the next application as soon as the view applies the health of what it depends on', async () => {
    await reactor.tick();
    const db = instancesOf('db')[0];
    await shop.decide(db.id, { type: 'place', data: placed(db.id, 'db', 'h1') });

    for (const state of ['running', 'healthy'])
      await shop.decide(db.id, { type: 'observe', host: 'h1', state, failureThreshold: 3 });
    await reactor.stop();

    expect(instancesOf('payment')).toEqual([expect.objectContaining({ state: 'pending' })]);
  });

  it('fails the relocatable instances of a down host and records the others lost', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.instance('shop-payment-1', 'payment', 'h1');
    await shop.instance('shop-web-1', 'web', 'h2');
    // Payment ran on h1 before it went silent; a never-started one would stay placed (below).
    for (const state of ['running', 'healthy'])
      await shop.decide('shop-payment-1', {
        type: 'observe',
        host: 'h1',
        state,
        failureThreshold: 3,
      });
    shop.host('h1', 1, true);

    await reactor.tick();

    expect(await lastEvent('shop-db-1')).toMatchObject({
      type: 'InstanceFailed',
      data: { reason: 'host h1 down', cause: 'host-down', host: 'h1' },
    });
    expect(await lastEvent('shop-payment-1')).toMatchObject({
      type: 'InstanceLost',
      data: { reason: 'host h1 down', host: 'h1' },
    });
    expect(shop.view.instancesOf('shop').find((i) => i.id === 'shop-payment-1')).toMatchObject({
      state: 'lost',
      stranded: true,
    });
    expect(shop.view.instances.get('shop-web-1')?.state).not.toBe('failed');
  });

  it('leaves an instance that is moving off a down host to its migration', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    for (const state of ['running', 'healthy'])
      await shop.decide('shop-db-1', { type: 'observe', host: 'h1', state, failureThreshold: 3 });
    await shop.decide('shop-db-1', { type: 'begin-migration', migration: 'm-1', to: 'h2' });
    shop.host('h1', 1, true);

    await reactor.tick();

    expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceMigrating' });
  });

  it("replaces an instance with data whose host died from its newest copy, recording the copy's age", async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    for (const state of ['running', 'healthy'])
      await shop.decide('shop-db-1', { type: 'observe', host: 'h1', state, failureThreshold: 3 });
    copies.set('shop-db-1', {
      key: backupKey('shop-db-1', 1_767_225_650_000),
      at: Date.parse('2026-01-01T00:00:50Z'),
      size: 12,
      sha256: 'ab',
    });
    shop.host('h1', 1, true);
    clock = () => Date.parse('2026-01-01T00:01:00Z');

    await reactor.tick();
    await reactor.tick();

    const replacement = instancesOf('db').find((i) => i.id !== 'shop-db-1');
    expect(replacement).toBeDefined();
    const stream = await shop.store.readStream(streamIds.instance(replacement!.id));
    expect(stream.events[0]).toMatchObject({
      type: 'InstanceRequested',
      data: {
        reason: 'replace',
        replaces: 'shop-db-1',
        restoreFrom: backupKey('shop-db-1', 1_767_225_650_000),
        dataAgeMs: 10_000,
      },
    });
    await shop.decide(replacement!.id, {
      type: 'place',
      data: placed(replacement!.id, 'db', 'h2'),
    });
    await reactor.stop();
    expect(sent.at(-1)).toMatchObject({
      host: 'h2',
      command: { type: 'start', spec: { restoreFrom: backupKey('shop-db-1', 1_767_225_650_000) } },
    });
  });

  it('replaces an instance that died before its first copy from the copy it had started from', async () => {
    const startedFrom = backupKey('shop-db-0', Date.parse('2026-01-01T00:00:30Z'));
    await shop.decide('shop-db-1', {
      type: 'request',
      data: {
        service: 'shop',
        app: 'db',
        instance: 'shop-db-1',
        layer: 'process',
        resources,
        revision: 1,
        reason: 'replace',
        replaces: 'shop-db-0',
        restoreFrom: startedFrom,
        dataAgeMs: 1000,
      },
    });
    await shop.decide('shop-db-1', { type: 'place', data: placed('shop-db-1', 'db', 'h1') });
    for (const state of ['running', 'healthy'])
      await shop.decide('shop-db-1', { type: 'observe', host: 'h1', state, failureThreshold: 3 });
    shop.host('h1', 1, true);
    clock = () => Date.parse('2026-01-01T00:01:00Z');

    await reactor.tick();
    await reactor.tick();

    const replacement = instancesOf('db').find((i) => !['shop-db-1'].includes(i.id));
    const stream = await shop.store.readStream(streamIds.instance(replacement!.id));
    expect(stream.events[0]).toMatchObject({
      type: 'InstanceRequested',
      data: { replaces: 'shop-db-1', restoreFrom: startedFrom, dataAgeMs: 30_000 },
    });
  });

  it('records a replacement of an instance with data and no copy as starting empty (dataLost)', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    for (const state of ['running', 'healthy'])
      await shop.decide('shop-db-1', { type: 'observe', host: 'h1', state, failureThreshold: 3 });
    shop.host('h1', 1, true);

    await reactor.tick();
    await reactor.tick();

    const replacements = instancesOf('db').filter((i) => i.id !== 'shop-db-1');
    expect(replacements).toHaveLength(1);
    const stream = await shop.store.readStream(streamIds.instance(replacements[0].id));
    expect(stream.events[0]).toMatchObject({
      type: 'InstanceRequested',
      data: { reason: 'replace', replaces: 'shop-db-1', dataLost: true },
    });
    expect(stream.events[0].data).not.toHaveProperty('restoreFrom');
  });

  it('keeps a non-relocatable instance placed on a down host placed, and starts it once the host is back', async () => {
    await shop.instance('shop-payment-1', 'payment', 'h1');
    shop.host('h1', 1, true);
    await reactor.tick();
    expect(await shop.typesOf('shop-payment-1')).toEqual(['InstanceRequested', 'InstancePlaced']);

    shop.host('h1', 2, false);
    await reactor.tick();
    expect(await lastEvent('shop-payment-1')).toMatchObject({ type: 'InstanceStarting' });
  });

  describe('when a host is down behind a partition (its lease renewed)', () => {
    const partitioned = (host: string, downForMs: number) =>
      shop.view.hosts.set(host, {
        id: host,
        epoch: 1,
        down: true,
        cause: 'partitioned',
        downAt: Date.now() - downForMs,
      });
    const healthyOn = async (id: string, app: string, host: string) => {
      await shop.instance(id, app, host);
      for (const state of ['running', 'healthy'])
        await shop.decide(id, { type: 'observe', host, state, failureThreshold: 3 });
    };

    it('records an instance with data lost and never replaces it, and the service says why', async () => {
      await healthyOn('shop-db-1', 'db', 'h1');
      partitioned('h1', 3_600_000);

      await reactor.tick();
      await reactor.tick();

      const types = await shop.typesOf('shop-db-1');
      expect(types.at(-1)).toBe('InstanceLost');
      expect(types.filter((t) => t === 'InstanceLost')).toHaveLength(1);
      expect(types).not.toContain('InstanceFailed');
      expect(instancesOf('db')).toHaveLength(1);
      expect(shop.view.instancesOf('shop')[0]).toMatchObject({
        stranded: true,
        partitioned: 'has data',
      });
    });

    it('keeps a stateless instance during the grace, then fails it to be replaced', async () => {
      await healthyOn('shop-web-1', 'web', 'h1');
      partitioned('h1', 1_000);

      await reactor.tick();
      expect(await lastEvent('shop-web-1')).toMatchObject({
        type: 'InstanceLost',
        data: { reason: 'host h1 partitioned, not replaced (within grace)' },
      });

      partitioned('h1', 10_000);
      await reactor.tick();
      expect(await lastEvent('shop-web-1')).toMatchObject({
        type: 'InstanceFailed',
        data: {
          reason: 'host h1 partitioned past the 10000 ms grace',
          cause: 'host-partitioned',
        },
      });
    });
  });

  describe('when the agents never answer', () => {
    const healthyOn = async (id: string, app: string, host: string) => {
      await shop.instance(id, app, host);
      for (const state of ['running', 'healthy'])
        await shop.decide(id, { type: 'observe', host, state, failureThreshold: 3 });
    };
    const serviceEvents = async () =>
      (await shop.store.readStream(streamIds.service('shop'))).events;

    it('completes its passes and records what the service says of itself while a stop it sent hangs', async () => {
      await healthyOn('shop-db-1', 'db', 'h1');
      await healthyOn('shop-payment-1', 'payment', 'h2');
      await healthyOn('shop-web-1', 'web', 'h2');
      await healthyOn('shop-web-2', 'web', 'h2');
      await reactor.tick();
      expect((await serviceEvents()).at(-1)?.type).toBe('ServiceAvailable');
      // A surplus copy of the database, seen by the view at once: its stop is never answered.
      hang = true;
      shop.following = false;
      const ref = { service: 'shop', app: 'db', instance: 'shop-db-2' };
      await shop.decide(
        'shop-db-2',
        {
          type: 'request',
          data: { ...ref, layer: 'process', resources, revision: 1, reason: 'deploy' },
        },
        true,
      );
      await shop.decide(
        'shop-db-2',
        { type: 'place', data: placed('shop-db-2', 'db', 'h1') },
        true,
      );
      for (const state of ['running', 'healthy'])
        await shop.decide(
          'shop-db-2',
          { type: 'observe', host: 'h1', state, failureThreshold: 3 },
          true,
        );
      shop.following = true;
      await shop.sync();

      await reactor.tick();
      expect(sent.map((s) => s.command)).toEqual([
        expect.objectContaining({ type: 'stop', commandId: 'stop-shop-db-2' }),
      ]);

      shop.view.hosts.set('h1', {
        id: 'h1',
        epoch: 1,
        down: true,
        cause: 'partitioned',
        downAt: Date.now(),
      });
      await reactor.tick();

      expect((await serviceEvents()).at(-1)).toMatchObject({ type: 'ServiceDegraded' });
      // The surplus copy counts as long as its stop is not recorded (passes come with each append).
      expect(JSON.stringify((await serviceEvents()).at(-1)?.data)).toMatch(
        /db: (1 instance|2 instances) on partitioned host h1, not replaced \(has data\)/,
      );
    });

    it('sends nothing again to an instance whose send is unanswered, however many passes go by', async () => {
      await healthyOn('shop-db-1', 'db', 'h1');
      await healthyOn('shop-db-2', 'db', 'h1');
      await shop.instance('shop-payment-1', 'payment', 'h2');
      hang = true;
      await reactor.tick();
      expect(sent.map((s) => s.command.commandId).sort()).toEqual([
        'start-shop-payment-1',
        'stop-shop-db-2',
      ]);

      for (const later of [10_000, 20_000, 60_000]) {
        clock = () => Date.now() + later;
        await reactor.tick();
      }

      expect(sent).toHaveLength(2);
    });
  });

  describe('when a host comes back without an instance it held', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const at = (ms: number) => () => start + ms;

    beforeEach(async () => {
      clock = at(0);
      await shop.instance('shop-db-1', 'db', 'h1');
      for (const state of ['running', 'healthy'])
        await shop.decide('shop-db-1', { type: 'observe', host: 'h1', state, failureThreshold: 3 });
      copies.set('shop-db-1', {
        key: backupKey('shop-db-1', 1_767_225_595_000),
        at: start - 5000,
        size: 12,
        sha256: 'ab',
      });
      shop.view.hosts.set('h1', { id: 'h1', epoch: 1, down: true, cause: 'partitioned' });
      await reactor.tick();
      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceLost' });
      shop.view.hosts.set('h1', { id: 'h1', epoch: 2, down: false, upAt: start + 1000 });
    });

    it("fails the lost instance once its agent's report fell due, and replaces it from its newest copy", async () => {
      // Back for 9 s: the 10 s partition grace (over five 1 s heartbeats) is not over yet.
      clock = at(10_000);
      await reactor.tick();
      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceLost' });

      clock = at(11_000);
      await reactor.tick();
      await reactor.tick();

      expect(await lastEvent('shop-db-1')).toMatchObject({
        type: 'InstanceFailed',
        data: { reason: 'its agent came back without it', cause: 'host-down', host: 'h1' },
      });
      const replacement = instancesOf('db').find((i) => i.id !== 'shop-db-1');
      const stream = await shop.store.readStream(streamIds.instance(replacement!.id));
      expect(stream.events[0]).toMatchObject({
        type: 'InstanceRequested',
        data: {
          reason: 'replace',
          replaces: 'shop-db-1',
          restoreFrom: backupKey('shop-db-1', 1_767_225_595_000),
        },
      });
    });

    it('gives the agent its full time again when its own bus came back meanwhile', async () => {
      clock = at(9000);
      reactor.busReconnected();

      clock = at(18_999);
      await reactor.tick();
      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceLost' });

      clock = at(19_000);
      await reactor.tick();
      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceFailed' });
    });

    it('keeps the instance its agent reported just now, though the view has not read the report yet', async () => {
      shop.following = false;
      await shop.decide(
        'shop-db-1',
        { type: 'observe', host: 'h1', state: 'healthy', failureThreshold: 3 },
        true,
      );

      clock = at(60_000);
      await reactor.tick();

      expect(await shop.typesOf('shop-db-1')).not.toContain('InstanceFailed');
      shop.following = true;
      await shop.sync();
      expect(instancesOf('db')).toHaveLength(1);
    });

    it('records the instance its returning agent holds starting, and never fails it as gone', async () => {
      await shop.decide('shop-db-1', {
        type: 'observe',
        host: 'h1',
        state: 'starting',
        failureThreshold: 3,
      });

      clock = at(60_000);
      await reactor.tick();

      expect(await lastEvent('shop-db-1')).toMatchObject({
        type: 'InstanceStarting',
        data: { host: 'h1', layer: 'process' },
      });
      expect(await shop.typesOf('shop-db-1')).not.toContain('InstanceFailed');
      expect(instancesOf('db')).toHaveLength(1);
    });

    it('keeps the instance its agent reported starting just now, though the view has not read the report yet', async () => {
      shop.following = false;
      await shop.decide(
        'shop-db-1',
        { type: 'observe', host: 'h1', state: 'starting', failureThreshold: 3 },
        true,
      );

      clock = at(60_000);
      await reactor.tick();

      expect(await shop.typesOf('shop-db-1')).not.toContain('InstanceFailed');
    });

    it('holds off failing the instance its agent says it holds migrating, for one window from that first word', async () => {
      clock = at(5000);
      lostWords.note({ host: 'h1', instance: 'shop-db-1', state: 'migrating', epoch: 2 });

      // Its agent's report fell due at 11 s: the word at 5 s holds the instance until 15 s.
      clock = at(14_999);
      await reactor.tick();
      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceLost' });
      expect(instancesOf('db')).toHaveLength(1);

      clock = at(15_000);
      await reactor.tick();
      expect(await lastEvent('shop-db-1')).toMatchObject({
        type: 'InstanceFailed',
        data: { reason: 'its agent came back without it', cause: 'host-down' },
      });
    });

    it('fails the instance in bounded time though its agent says in every heartbeat it holds it stopping, a stop the log never asked', async () => {
      let failedAt: number | undefined;
      for (let ms = 2000; ms <= 60_000 && failedAt === undefined; ms += 1000) {
        clock = at(ms);
        // The log records nothing of a stop it never asked: the instance stays lost.
        await shop.decide('shop-db-1', {
          type: 'observe',
          host: 'h1',
          state: 'stopping',
          failureThreshold: 3,
        });
        lostWords.note({ host: 'h1', instance: 'shop-db-1', state: 'stopping', epoch: 2 });
        await reactor.tick();
        if ((await lastEvent('shop-db-1'))?.type === 'InstanceFailed') failedAt = ms;
      }

      // The first word (2 s) counts, not the latest: one 10 s window after it.
      expect(failedAt).toBe(12_000);
    });

    it('gives no time for a word of the agent run the log gave up on', async () => {
      clock = at(9000);
      lostWords.note({ host: 'h1', instance: 'shop-db-1', state: 'migrating', epoch: 1 });

      clock = at(11_000);
      await reactor.tick();

      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceFailed' });
    });

    it('keeps the instance its agent reported after the return', async () => {
      await shop.decide('shop-db-1', {
        type: 'observe',
        host: 'h1',
        state: 'healthy',
        failureThreshold: 3,
      });

      clock = at(60_000);
      await reactor.tick();

      expect(await lastEvent('shop-db-1')).toMatchObject({ type: 'InstanceHealthy' });
      expect(instancesOf('db')).toHaveLength(1);
    });
  });
});
