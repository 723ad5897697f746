import { backupKey, FederaError, streamIds, type AgentCommand } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { InstanceWriter } from '../supervisor/instance-writer';
import { placed, resources, SupervisedShop } from '../testing/supervised-shop.fixture';
import { AgentDispatcher } from './agent-dispatcher';

/**
 * An agent link that records what it is sent, and what the log said of the instance at that moment;
 * `hang` makes it never answer (an agent the bus cannot reach, its request never timing out).
 */
class FakeAgents {
  readonly sent: { host: string; command: AgentCommand; logSaid: string | undefined }[] = [];
  answer: (command: AgentCommand) => unknown = () => ({ accepted: true });
  hang = false;

  constructor(private readonly shop: SupervisedShop) {}

  async send(host: string, command: AgentCommand): Promise<unknown> {
    const instance =
      command.type === 'start' ? command.spec.instance : (command as { instance: string }).instance;
    const logSaid = (await this.shop.typesOf(instance)).at(-1);
    this.sent.push({ host, command, logSaid });
    if (this.hang) return new Promise(() => {});
    return this.answer(command);
  }
}

/** Lets every promise that can settle now do so (the in-memory log answers within a few turns). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the agent dispatcher', () => {
  let shop: SupervisedShop;
  let agents: FakeAgents;
  let clock: number;
  let warnings: string[];
  let dispatcher: AgentDispatcher;

  beforeEach(async () => {
    shop = await SupervisedShop.deployed();
    shop.host('h1', 7);
    agents = new FakeAgents(shop);
    clock = Date.parse('2026-01-01T00:00:00Z');
    warnings = [];
    const writer = new InstanceWriter(shop.store, shop.view, { debug: () => {} }, () => clock);
    dispatcher = new AgentDispatcher(
      shop.view,
      agents,
      writer,
      5000,
      { warn: (line) => warnings.push(line) },
      () => clock,
    );
  });

  afterEach(() => dispatcher.close());

  it('records the instance starting before the start goes out, fenced with the host epoch', async () => {
    const db = await shop.instance('shop-db-1', 'db', 'h1');

    await dispatcher.start(db);
    await dispatcher.idle();

    expect(agents.sent).toHaveLength(1);
    expect(agents.sent[0]).toMatchObject({
      host: 'h1',
      logSaid: 'InstanceStarting',
      command: { type: 'start', commandId: 'start-shop-db-1', epoch: 7 },
    });
    // The fixture's InstancePlaced predates generations: its placement reads as the first.
    expect(agents.sent[0].command).toMatchObject({ spec: { generation: 1 } });
    expect(await shop.typesOf('shop-db-1')).toEqual([
      'InstanceRequested',
      'InstancePlaced',
      'InstanceStarting',
    ]);
  });

  it('records every start before answering, even when one of them fails, without waiting for the agents', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.instance('shop-payment-1', 'payment', 'h1');
    agents.hang = true;
    const append = shop.store.append.bind(shop.store);
    shop.store.append = (stream, expected, events) =>
      stream === streamIds.instance('shop-db-1')
        ? Promise.reject(new Error('connection terminated'))
        : append(stream, expected, events);

    await expect(dispatcher.startPlaced(['shop-db-1', 'shop-payment-1'])).rejects.toThrow(
      'connection terminated',
    );

    expect((await shop.typesOf('shop-payment-1')).at(-1)).toBe('InstanceStarting');
    await eventually(() => agents.sent.length === 1);
    expect(agents.sent[0].command).toMatchObject({ commandId: 'start-shop-payment-1' });
  });

  it('answers a start and a stop while their agent never answers, and sends neither again while they are unanswered', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.instance('shop-db-2', 'db', 'h1');
    await shop.decide('shop-db-2', { type: 'start', host: 'h1', layer: 'process' });
    agents.hang = true;

    await dispatcher.startPlaced(['shop-db-1']);
    await dispatcher.stop(shop.view.instances.get('shop-db-2')!, 'scale-in');
    await shop.sync();
    await eventually(() => agents.sent.length === 2);

    clock += 60_000;
    await dispatcher.startPlaced();
    await dispatcher.stop(shop.view.instances.get('shop-db-2')!, 'scale-in');
    await settle();

    expect(agents.sent.map((s) => s.command.commandId)).toEqual([
      'start-shop-db-1',
      'stop-shop-db-2',
    ]);
    expect((await shop.typesOf('shop-db-2')).at(-1)).toBe('InstanceStopRequested');
  });

  it('sends a stop that finds a start unanswered only once that start has its answer', async () => {
    const db = await shop.instance('shop-db-1', 'db', 'h1');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    agents.answer = (command) => (command.type === 'start' ? gate : { accepted: true });
    await dispatcher.start(db);
    await eventually(() => agents.sent.length === 1);

    await dispatcher.stop(shop.view.instances.get('shop-db-1')!, 'scale-in');
    await settle();
    expect(agents.sent.map((s) => s.command.type)).toEqual(['start']);

    release();
    await dispatcher.idle();
    expect(agents.sent.map((s) => s.command.type)).toEqual(['start', 'stop']);
  });

  it('abandons the answers still to come when it closes, and records nothing of them', async () => {
    const db = await shop.instance('shop-db-1', 'db', 'h1');
    let refuse!: () => void;
    const refusal = new Promise<void>((resolve) => (refuse = resolve));
    agents.answer = () =>
      refusal.then(() => {
        throw new FederaError('validation_failed', 'artifact.command: not found');
      });
    await dispatcher.start(db);
    await eventually(() => agents.sent.length === 1);

    await dispatcher.close();
    refuse();
    await settle();

    expect((await shop.typesOf('shop-db-1')).at(-1)).toBe('InstanceStarting');
    await dispatcher.start(shop.view.instances.get('shop-db-1')!);
    expect(agents.sent).toHaveLength(1);
  });

  it('does not send a start that a stop overtook, even when its view is behind', async () => {
    const db = await shop.instance('shop-db-1', 'db', 'h1');
    // Another writer stops it; the view has not seen that yet.
    await shop.decide('shop-db-1', { type: 'request-stop', reason: 'service-stopped' }, true);

    await dispatcher.start(db);

    expect(agents.sent).toEqual([]);
    expect((await shop.typesOf('shop-db-1')).at(-1)).toBe('InstanceStopped');
  });

  it('sends no start whose stop was decided and sent while the start was being recorded', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.decide('shop-db-1', { type: 'start', host: 'h1', layer: 'process' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The start's decision returns first, its continuation only after the stop went out.
    class SlowStartWriter extends InstanceWriter {
      override async decide(...args: Parameters<InstanceWriter['decide']>) {
        const outcome = await super.decide(...args);
        if (args[1].type === 'start') await gate;
        return outcome;
      }
    }
    const writer = new SlowStartWriter(shop.store, shop.view, { debug: () => {} }, () => clock);
    const racing = new AgentDispatcher(shop.view, agents, writer, 5000, { warn: () => {} });
    const db = shop.view.instances.get('shop-db-1')!;

    const start = racing.start(db);
    await racing.stop(db, 'scale-in');
    release();
    await start;
    await racing.idle();

    expect(agents.sent.map((s) => s.command.type)).toEqual(['stop']);
    await racing.close();
  });

  it('records no answer that comes after its answers were abandoned, and sends nothing queued behind them', async () => {
    const db = await shop.instance('shop-db-1', 'db', 'h1');
    let refuse!: () => void;
    const refusal = new Promise<void>((resolve) => (refuse = resolve));
    agents.answer = (command) =>
      command.type === 'start'
        ? refusal.then(() => {
            throw new FederaError('validation_failed', 'artifact.command: not found');
          })
        : { accepted: true };
    await dispatcher.start(db);
    await eventually(() => agents.sent.length === 1);
    await dispatcher.stop(shop.view.instances.get('shop-db-1')!, 'scale-in');

    dispatcher.abandonAnswers();
    refuse();
    await dispatcher.idle();
    await settle();

    expect((await shop.typesOf('shop-db-1')).at(-1)).toBe('InstanceStopRequested');
    expect(agents.sent.map((s) => s.command.type)).toEqual(['start']);
  });

  it('resends a start unanswered for resendMs under the same command id, and not sooner', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await dispatcher.startPlaced();
    await dispatcher.idle();
    await shop.sync();

    clock += 4999;
    await dispatcher.startPlaced();
    await dispatcher.idle();
    expect(agents.sent).toHaveLength(1);

    clock += 1;
    await dispatcher.startPlaced();
    await dispatcher.idle();
    expect(agents.sent.map((s) => s.command.commandId)).toEqual([
      'start-shop-db-1',
      'start-shop-db-1',
    ]);
    expect((await shop.typesOf('shop-db-1')).filter((t) => t === 'InstanceStarting')).toHaveLength(
      1,
    );
  });

  it('fails an instance whose agent refuses its start, and only warns when the agent is silent', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.instance('shop-db-2', 'db', 'h1');
    agents.answer = (command) => {
      if (command.type === 'start' && command.spec.instance === 'shop-db-1')
        throw new FederaError('validation_failed', 'artifact.command: not found');
      throw new FederaError('unavailable', 'agent h1 did not answer start');
    };

    await dispatcher.startPlaced();
    await dispatcher.idle();

    const failed = await shop.store.readStream(streamIds.instance('shop-db-1'));
    expect(failed.events.at(-1)).toMatchObject({
      type: 'InstanceFailed',
      data: { reason: 'start refused: artifact.command: not found', host: 'h1' },
    });
    expect((await shop.typesOf('shop-db-2')).at(-1)).toBe('InstanceStarting');
    expect(warnings).toEqual(['start shop-db-2 on h1: agent h1 did not answer start']);
  });

  it('records a running instance stopping, then asks its agent to stop it', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.decide('shop-db-1', { type: 'start', host: 'h1', layer: 'process' });
    const db = shop.view.instances.get('shop-db-1')!;

    await dispatcher.stop(db, 'scale-in');
    await dispatcher.idle();

    expect(agents.sent).toEqual([
      expect.objectContaining({
        logSaid: 'InstanceStopRequested',
        command: expect.objectContaining({ type: 'stop', commandId: 'stop-shop-db-1', epoch: 7 }),
      }),
    ]);
  });

  it('records stopped an instance its agent no longer knows', async () => {
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.decide('shop-db-1', { type: 'start', host: 'h1', layer: 'process' });
    agents.answer = () => {
      throw new FederaError('not_found', 'no instance shop-db-1');
    };

    await dispatcher.stop(shop.view.instances.get('shop-db-1')!, 'unhealthy');
    await dispatcher.idle();

    const stream = await shop.store.readStream(streamIds.instance('shop-db-1'));
    expect(stream.events.slice(-2).map((e) => e.type)).toEqual([
      'InstanceStopRequested',
      'InstanceFailed',
    ]);
  });

  it('stops at once, without its agent, an instance that never started or whose host is down', async () => {
    const pending = await shop.instance('shop-db-1', 'db');
    const placed = await shop.instance('shop-db-2', 'db', 'h1');
    const stranded = await shop.instance('shop-db-3', 'db', 'h2');
    shop.host('h2', 1, true);

    await dispatcher.stop(pending, 'service-stopped');
    await dispatcher.stop(placed, 'service-stopped');
    await dispatcher.stop(stranded, 'service-stopped');
    await dispatcher.idle();

    expect(agents.sent).toEqual([]);
    const last = async (id: string) =>
      (await shop.store.readStream(streamIds.instance(id))).events.at(-1);
    expect(await last('shop-db-1')).toMatchObject({
      type: 'InstanceStopped',
      data: { reason: 'service-stopped' },
    });
    expect(await last('shop-db-2')).toMatchObject({ type: 'InstanceStopped' });
    expect(await last('shop-db-3')).toMatchObject({
      type: 'InstanceStopped',
      data: { reason: 'host-down', host: 'h2' },
    });
  });

  describe('a start that restores from a copy', () => {
    const key = backupKey('shop-db-0', 1_700_000_000_000);
    let deliveries: string[];
    let deliver: (key: string, from: string, to: string) => Promise<'copied' | 'missing'>;
    let restoring: AgentDispatcher;

    beforeEach(async () => {
      deliveries = [];
      deliver = async (k, from, to) => {
        deliveries.push(`${k} ${from}->${to}`);
        return 'copied';
      };
      shop.host('h2', 3);
      // The dead instance ran on h2; its replacement is placed on h1.
      await shop.instance('shop-db-0', 'db', 'h2');
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
          restoreFrom: key,
          dataAgeMs: 1000,
        },
      });
      await shop.decide('shop-db-1', { type: 'place', data: placed('shop-db-1', 'db', 'h1') });
      const writer = new InstanceWriter(shop.store, shop.view, { debug: () => {} }, () => clock);
      restoring = new AgentDispatcher(
        shop.view,
        {
          send: async (host, command) => {
            deliveries.push(`sent ${command.type} to ${host}`);
            return agents.send(host, command);
          },
        },
        writer,
        5000,
        { warn: (line) => warnings.push(line) },
        () => clock,
        undefined,
        { deliver: (k, from, to) => deliver(k, from, to) },
      );
    });

    afterEach(() => restoring.close());

    it("has the copy delivered from the dead instance's host to its own before the start goes", async () => {
      await restoring.start(shop.view.instances.get('shop-db-1')!);
      await restoring.idle();
      expect(deliveries).toEqual([`${key} h2->h1`, 'sent start to h1']);
      expect(agents.sent[0].command).toMatchObject({ spec: { restoreFrom: key } });
    });

    it('holds the start back while the copy cannot be made, and copies again with the resent start', async () => {
      deliver = async () => {
        throw new Error('JetStream not answering');
      };
      await restoring.start(shop.view.instances.get('shop-db-1')!);
      await restoring.idle();
      expect(agents.sent).toEqual([]);
      expect(warnings.join('\n')).toMatch(
        /copying .* from h2's data to h1: JetStream not answering/,
      );
      // Not failed: it waits to be resent.
      expect((await shop.typesOf('shop-db-1')).at(-1)).toBe('InstanceStarting');
      deliver = async (k, from, to) => {
        deliveries.push(`${k} ${from}->${to}`);
        return 'copied';
      };
      clock += 60_000;
      await restoring.start(shop.view.instances.get('shop-db-1')!);
      await restoring.idle();
      expect(agents.sent).toHaveLength(1);
    });

    it("fails the instance without copying or starting when the key is another instance's copy", async () => {
      // A dead host's backup index named another service's copy (its agent writes the index).
      const theirs = backupKey('billing-db-1', 1_700_000_000_000);
      shop.host('h3', 1);
      await shop.instance('billing-db-1', 'db', 'h3');
      await shop.decide('shop-db-2', {
        type: 'request',
        data: {
          service: 'shop',
          app: 'db',
          instance: 'shop-db-2',
          layer: 'process',
          resources,
          revision: 1,
          reason: 'replace',
          replaces: 'shop-db-0',
          restoreFrom: theirs,
          dataAgeMs: 1000,
        },
      });
      await shop.decide('shop-db-2', { type: 'place', data: placed('shop-db-2', 'db', 'h1') });
      await restoring.start(shop.view.instances.get('shop-db-2')!);
      await restoring.idle();
      expect(deliveries).toEqual([]);
      expect(agents.sent).toEqual([]);
      expect(await shop.store.readStream(streamIds.instance('shop-db-2'))).toMatchObject({
        events: expect.arrayContaining([
          expect.objectContaining({
            type: 'InstanceFailed',
            data: expect.objectContaining({
              reason: `start refused: ${theirs} is not a copy of the instance shop-db-2 replaces: not restored from`,
            }),
          }),
        ]),
      });
    });

    it('lets the start go when the copy no longer exists, saying so: the agent refuses to start without it', async () => {
      deliver = async () => 'missing';
      await restoring.start(shop.view.instances.get('shop-db-1')!);
      await restoring.idle();
      expect(agents.sent).toHaveLength(1);
      expect(warnings).toContain(`${key} is not in h2's data: nothing to copy to h1`);
    });
  });
});
