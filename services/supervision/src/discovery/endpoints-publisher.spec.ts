import type { RecordedEvent, ServiceEndpoints } from '@federa/contracts';
import type { InstanceView } from '../domain/instance-view';
import {
  decideService,
  evolveService,
  initialServiceState,
  type ServiceCommand,
} from '../domain/service-decider';
import { SupervisionView } from '../domain/supervision-view';
import { shopSpec } from '../testing/shop-spec.fixture';
import { EndpointsPublisher, type DiscoveryBucket } from './endpoints-publisher';

/** A bucket in memory that counts writes and fails while `down`. */
class MemoryBucket implements DiscoveryBucket {
  readonly values = new Map<string, unknown>();
  writes = 0;
  down = false;

  async entries(): Promise<Map<string, unknown>> {
    this.check();
    return new Map(this.values);
  }

  async put(service: string, value: ServiceEndpoints): Promise<void> {
    this.check();
    this.writes++;
    this.values.set(service, JSON.parse(JSON.stringify(value)));
  }

  async delete(service: string): Promise<void> {
    this.check();
    this.writes++;
    this.values.delete(service);
  }

  private check(): void {
    if (this.down) throw new Error('no responders');
  }
}

function deployedShop(view: SupervisionView): void {
  let state = initialServiceState('shop');
  for (const command of [
    { type: 'apply', spec: shopSpec() },
    { type: 'deploy' },
  ] as ServiceCommand[])
    state = decideService(command, state).reduce(evolveService, state);
  view.services.set('shop', state);
}

function healthyDb(view: SupervisionView, id: string, port: number): void {
  const instance: InstanceView = {
    id,
    service: 'shop',
    app: 'db',
    layer: 'process',
    host: 'mph-1',
    state: 'healthy',
    since: '2026-01-01T00:00:00.000Z',
    revision: 1,
    endpoint: { address: '10.0.0.1', port },
  };
  view.instances.set(id, instance);
}

/** A page touching the shop's instance `id`, as the view would hand it on. */
const page = (id: string, position: number): RecordedEvent[] =>
  [
    {
      position,
      streamId: `instance-${id}`,
      type: 'InstanceHealthy',
      data: { service: 'shop', app: 'db', instance: id, host: 'mph-1' },
    },
  ] as unknown as RecordedEvent[];

const silent = { log: () => undefined, warn: jest.fn() };

function publisherOver(view: SupervisionView, bucket: DiscoveryBucket, leader: { is: boolean }) {
  return new EndpointsPublisher(
    view,
    bucket,
    () => leader.is,
    { tickMs: 1000, partitionGraceMs: 10_000 },
    silent,
    () => 1_000,
  );
}

const dbPorts = (bucket: MemoryBucket) =>
  (bucket.values.get('shop') as ServiceEndpoints | undefined)?.applications
    .find((a) => a.name === 'db')
    ?.instances.map((i) => i.port);

describe('the endpoints publisher', () => {
  it('writes a service when its serving set changes, and not again while it stays the same', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    const bucket = new MemoryBucket();
    const publisher = publisherOver(view, bucket, { is: true });
    await publisher.tick();
    expect(dbPorts(bucket)).toEqual([]);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 12;
    publisher.applied(page('shop-db-1', 12));
    await publisher.tick();
    expect(dbPorts(bucket)).toEqual([5432]);
    expect((bucket.values.get('shop') as ServiceEndpoints).version).toBe(12);
    const writes = bucket.writes;
    publisher.applied(page('shop-db-1', 13));
    await publisher.tick();
    expect(bucket.writes).toBe(writes);
  });

  it('writes nothing unless it leads, and repairs what it finds when it starts leading', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 20;
    const bucket = new MemoryBucket();
    bucket.values.set('shop', { service: 'shop', version: 'garbled' });
    bucket.values.set('gone', { service: 'gone', version: 3, updatedAt: 0, applications: [] });
    const leader = { is: false };
    const publisher = publisherOver(view, bucket, leader);
    await publisher.tick();
    expect(bucket.writes).toBe(0);
    leader.is = true;
    await publisher.tick();
    expect(dbPorts(bucket)).toEqual([5432]);
    expect(bucket.values.has('gone')).toBe(false);
  });

  it('keeps what failed to be written due, and writes it once the bucket answers again', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    const bucket = new MemoryBucket();
    const publisher = publisherOver(view, bucket, { is: true });
    await publisher.tick();
    bucket.down = true;
    healthyDb(view, 'shop-db-2', 6000);
    view.position = 30;
    publisher.applied(page('shop-db-2', 30));
    await publisher.tick();
    expect(silent.warn).toHaveBeenCalledWith(expect.stringContaining('no responders'));
    bucket.down = false;
    await publisher.tick();
    expect(dbPorts(bucket)).toEqual([6000]);
  });

  it('gives a start the set as the view has it, with the version the bucket holds when it is the same', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 40;
    const bucket = new MemoryBucket();
    const publisher = publisherOver(view, bucket, { is: true });
    await publisher.tick();
    view.position = 45;
    expect(publisher.current('shop')).toMatchObject({ version: 40 });
    healthyDb(view, 'shop-db-2', 5433);
    expect(publisher.current('shop')).toMatchObject({ version: 45 });
    expect(publisher.current('nothing')).toBeUndefined();
  });
});
