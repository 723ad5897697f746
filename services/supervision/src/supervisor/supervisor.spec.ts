import type { ReadAllResult, LogCheckpoint, PostgresLeaderLease } from '@federa/eventstore';
import { acceptAnyObject } from '@federa/eventstore';
import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import { eventually } from '@federa/testing';
import type { AgentLink } from '../infrastructure/agent-link';
import { SupervisionView } from '../domain/supervision-view';
import { loadSupervisionSettings } from '../supervision-config';
import { SupervisedShop } from '../testing/supervised-shop.fixture';
import { Supervisor } from './supervisor';

/** A log read page by page whose reads stop after the first page until released. */
class HeldLog extends InMemoryEventStore {
  private reads = 0;
  private release: () => void = () => {};
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor() {
    super({ validate: acceptAnyObject });
    // No cursor: the subscription pages through readAll, where the hold is.
    (this as { readAllPages?: unknown }).readAllPages = undefined;
  }

  override async readAll(after: LogCheckpoint | null, limit: number): Promise<ReadAllResult> {
    if (++this.reads > 1) await this.released;
    return super.readAll(after, limit);
  }

  letGo(): void {
    this.release();
  }
}

describe('the supervisor', () => {
  it('neither leads nor requests anything while its view is still short of the log’s head', async () => {
    // The shop deployed, its db running on h1; between the two, more than one page of other streams.
    const shop = await SupervisedShop.deployed();
    const log = new HeldLog();
    const metadata = {
      correlationId: 'c',
      actor: 'test',
      occurredAt: new Date().toISOString(),
    };
    const copy = async (from: number, to?: number) => {
      for (const e of (await shop.store.readAll(null, 10_000)).events.slice(from, to))
        await log.append(e.streamId, 'any', [
          { type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata },
        ]);
    };
    await copy(0);
    const serviceEvents = (await shop.store.readAll(null, 10_000)).events.length;
    await log.append('host-h1', 'any', [
      { type: 'HostRegistered', data: { host: 'h1', epoch: 1 }, metadata },
    ]);
    for (let i = 0; i < 500; i++)
      await log.append(`noise-${i}`, 'any', [{ type: 'Noise', data: {}, metadata }]);
    await shop.instance('shop-db-1', 'db', 'h1');
    await shop.decide('shop-db-1', { type: 'start', host: 'h1', layer: 'process' });
    await copy(serviceEvents);

    const link = { listen: () => {}, close: () => {}, send: async () => ({}) };
    const lease = { holds: async () => true, release: async () => {} };
    const view = new SupervisionView();
    const supervisor = new Supervisor(
      log,
      view,
      link as unknown as AgentLink,
      lease as unknown as PostgresLeaderLease,
      { ...loadSupervisionSettings({}), tickMs: 10 },
    );
    const requested = async () =>
      (await log.readAll(null, 10_000)).events.filter((e) => e.type === 'InstanceRequested');
    // Counts the reactor's ticks, so that the test waits for several of them rather than for a time.
    const reactor = (supervisor as unknown as { reactor: { tick(): Promise<void> } }).reactor;
    const ticks = jest.spyOn(reactor, 'tick');
    supervisor.start();
    try {
      // The first page is in: the shop deployed, none of its instances seen yet.
      await eventually(() => view.services.get('shop')?.running);
      const seen = ticks.mock.calls.length;
      // Several ticks pass with the view held short of the head: none of them may lead or request.
      await eventually(() => ticks.mock.calls.length >= seen + 5);
      expect(view.instances.size).toBe(0);

      log.letGo();
      await eventually(() => view.instances.get('shop-db-1')?.state === 'starting');
      expect((await requested()).map((e) => e.data)).toEqual([
        expect.objectContaining({ instance: 'shop-db-1' }),
      ]);
    } finally {
      log.letGo();
      await supervisor.stop();
    }
  });
});
