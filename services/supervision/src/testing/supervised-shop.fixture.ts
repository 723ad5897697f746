import { randomUUID } from 'node:crypto';
import { streamIds, type InstancePlacedData, type LayerKind } from '@federa/contracts';
import { handleCommand, logStart, type LogCheckpoint } from '@federa/eventstore';
import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import {
  instanceDecider,
  type InstanceCommand,
  type InstanceEvent,
} from '@federa/instance-lifecycle';
import { initialServiceState, serviceDecider } from '../domain/service-decider';
import { shopSpec } from './shop-spec.fixture';
import { SupervisionView } from '../domain/supervision-view';

export const resources = {
  cpuMillis: 500,
  memoryBytes: 2 ** 27,
  storageBytes: 2 ** 30,
  bandwidthBps: 1e8,
};

/** Supervision's view of the small shop (db ← payment ← web, payment not relocatable) over an in-memory log. */
export class SupervisedShop {
  readonly store = new InMemoryEventStore();
  readonly view = new SupervisionView();
  private checkpoint: LogCheckpoint = logStart;
  /** When set, the view applies every append as soon as it commits (a log subscription without delay). */
  following = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor() {
    const append = this.store.append.bind(this.store);
    this.store.append = async (...args) => {
      const result = await append(...args);
      if (this.following) await this.sync();
      return result;
    };
  }

  /** Applies the shop's spec and deploys it. */
  static async deployed(): Promise<SupervisedShop> {
    const shop = new SupervisedShop();
    const decider = { ...serviceDecider, initialState: () => initialServiceState('shop') };
    for (const command of [{ type: 'apply', spec: shopSpec() }, { type: 'deploy' }] as const) {
      await handleCommand(shop.store, streamIds.service('shop'), decider, command, {
        metadata: { correlationId: randomUUID(), actor: 'test' },
      });
    }
    await shop.sync();
    return shop;
  }

  /** Feeds the view everything appended since the last sync, as the log subscription would. */
  sync(): Promise<void> {
    // One reader at a time, as one subscription: two would apply the same page twice.
    this.syncing = this.syncing.then(async () => {
      const page = await this.store.readAll(this.checkpoint, 10_000);
      this.checkpoint = page.checkpoint;
      if (page.events.length > 0) this.view.apply(page.events);
    });
    return this.syncing;
  }

  host(id: string, epoch = 1, down = false): void {
    this.view.hosts.set(id, { id, epoch, down });
  }

  /**
   * Runs an instance command straight on the log (another writer: placement, a test), then syncs the
   * view unless `unseen` (the view stays behind the log).
   */
  async decide(
    instance: string,
    command: InstanceCommand,
    unseen = false,
  ): Promise<InstanceEvent[]> {
    const result = await handleCommand(
      this.store,
      streamIds.instance(instance),
      instanceDecider,
      command,
      { metadata: { correlationId: randomUUID(), actor: 'test' } },
    );
    if (!unseen) await this.sync();
    return result.newEvents;
  }

  /** An instance of `app`, requested and (unless host is undefined) placed on `host`. */
  async instance(id: string, app: string, host?: string, layer: LayerKind = 'process') {
    const ref = { service: 'shop', app, instance: id };
    await this.decide(id, {
      type: 'request',
      data: { ...ref, layer, resources, revision: 1, reason: 'deploy' },
    });
    if (host) await this.decide(id, { type: 'place', data: placed(id, app, host, layer) });
    return this.view.instances.get(id)!;
  }

  /** The types of the instance stream's events, in order. */
  async typesOf(instance: string): Promise<string[]> {
    return (await this.store.readStream(streamIds.instance(instance))).events.map((e) => e.type);
  }
}

export function placed(
  instance: string,
  app: string,
  host: string,
  layer: LayerKind = 'process',
): InstancePlacedData {
  return {
    service: 'shop',
    app,
    instance,
    host,
    layer,
    resources,
    scores: { total: 1, byScorer: {} },
    hostsConsidered: 1,
    hostEpoch: 1,
    costPerHour: 0.1,
  } as InstancePlacedData;
}
