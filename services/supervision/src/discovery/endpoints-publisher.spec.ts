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
import { EndpointsPublisher, type BucketEntry, type DiscoveryBucket } from './endpoints-publisher';

/** A bucket in memory that counts writes, fails while `down`, and compares revisions as JetStream. */
class MemoryBucket implements DiscoveryBucket {
  readonly values = new Map<string, unknown>();
  private readonly revisions = new Map<string, number>();
  private sequence = 0;
  writes = 0;
  down = false;

  async entries(): Promise<Map<string, BucketEntry>> {
    this.check();
    return new Map(
      [...this.values].map(([key, value]) => [key, { value, revision: this.revisionOf(key) }]),
    );
  }

  async put(key: string, value: ServiceEndpoints, revision: number): Promise<number | undefined> {
    this.check();
    if (this.revisionOf(key) !== revision) return undefined;
    this.writes++;
    return this.set(key, JSON.parse(JSON.stringify(value)));
  }

  async delete(key: string, revision: number): Promise<boolean> {
    this.check();
    if (this.revisionOf(key) !== revision) return false;
    this.writes++;
    this.values.delete(key);
    this.revisions.delete(key);
    return true;
  }

  /** Someone else's write (an operator, another replica): a new revision. */
  set(key: string, value: unknown): number {
    this.values.set(key, value);
    this.revisions.set(key, ++this.sequence);
    return this.sequence;
  }

  private revisionOf(key: string): number {
    return this.values.has(key) ? (this.revisions.get(key) ?? 0) : 0;
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

function healthyDb(view: SupervisionView, id: string, port: number, host = 'mph-1'): void {
  const instance: InstanceView = {
    id,
    service: 'shop',
    app: 'db',
    layer: 'process',
    host,
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

const dbPorts = (bucket: MemoryBucket, host = 'mph-1') =>
  (bucket.values.get(`${host}.shop`) as ServiceEndpoints | undefined)?.applications
    .find((a) => a.name === 'db')
    ?.instances.map((i) => i.port);

describe('the endpoints publisher', () => {
  it('writes a service when its serving set changes, and not again while it stays the same', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    const bucket = new MemoryBucket();
    const publisher = publisherOver(view, bucket, { is: true });
    await publisher.tick();
    // No instance anywhere: no host's agent needs the set.
    expect(bucket.values.size).toBe(0);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 12;
    publisher.applied(page('shop-db-1', 12));
    await publisher.tick();
    expect(dbPorts(bucket)).toEqual([5432]);
    expect((bucket.values.get('mph-1.shop') as ServiceEndpoints).version).toBe(12);
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
    bucket.set('mph-1.shop', { service: 'shop', version: 'garbled' });
    bucket.set('mph-1.gone', { service: 'gone', version: 3, updatedAt: 0, applications: [] });
    const leader = { is: false };
    const publisher = publisherOver(view, bucket, leader);
    await publisher.tick();
    expect(bucket.writes).toBe(0);
    leader.is = true;
    await publisher.tick();
    expect(dbPorts(bucket)).toEqual([5432]);
    expect(bucket.values.has('mph-1.gone')).toBe(false);
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
    expect(publisher.current('shop', 'mph-1')).toMatchObject({ version: 40 });
    // The view learns of the second database through a page, which moves its position.
    healthyDb(view, 'shop-db-2', 5433);
    view.position = 46;
    expect(publisher.current('shop', 'mph-1')).toMatchObject({ version: 46 });
    expect(publisher.current('nothing', 'mph-1')).toBeUndefined();
  });

  it('answers a burst of starts from one computation while the view stays at one position', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 40;
    const publisher = publisherOver(view, new MemoryBucket(), { is: true });
    const first = publisher.current('shop', 'mph-1');
    // Not through a page: the view's position says nothing changed, so the computed set stands.
    healthyDb(view, 'shop-db-2', 5433);
    expect(publisher.current('shop', 'mph-1')).toBe(first);
    view.position = 41;
    expect(publisher.current('shop', 'mph-1')).not.toBe(first);
  });

  it('does not overwrite a value written since it read the bucket: it reads again and writes above it', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 50;
    const bucket = new MemoryBucket();
    const publisher = publisherOver(view, bucket, { is: true });
    await publisher.tick();
    expect((bucket.values.get('mph-1.shop') as ServiceEndpoints).version).toBe(50);
    // Another replica (it led a moment ago) writes behind this one's back, at a higher version.
    const theirs = { service: 'shop', version: 70, updatedAt: 0, applications: [] };
    bucket.set('mph-1.shop', theirs);
    healthyDb(view, 'shop-db-2', 5433);
    view.position = 55;
    publisher.applied(page('shop-db-2', 55));
    await publisher.tick();
    expect(silent.warn).toHaveBeenCalledWith(expect.stringContaining('changed since'));
    // Compared with what the bucket holds now: written over it, never below its version.
    expect(dbPorts(bucket)).toEqual([5432, 5433]);
    expect((bucket.values.get('mph-1.shop') as ServiceEndpoints).version).toBe(71);
  });

  it("writes a service under the key of each host where it has an instance, and deletes a host's key once none is left there", async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432, 'mph-1');
    healthyDb(view, 'shop-db-2', 5433, 'mph-2');
    view.position = 60;
    const bucket = new MemoryBucket();
    const publisher = publisherOver(view, bucket, { is: true });
    await publisher.tick();
    expect([...bucket.values.keys()].sort()).toEqual(['mph-1.shop', 'mph-2.shop']);
    expect(dbPorts(bucket, 'mph-2')).toEqual([5432, 5433]);
    view.instances.set('shop-db-2', { ...view.instances.get('shop-db-2')!, state: 'stopped' });
    view.position = 61;
    publisher.applied(page('shop-db-2', 61));
    await publisher.tick();
    expect([...bucket.values.keys()]).toEqual(['mph-1.shop']);
    expect(dbPorts(bucket)).toEqual([5432]);
  });

  it('writes the key of the host an instance moves to, before the move ends', async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432, 'mph-1');
    view.instances.set('shop-db-1', {
      ...view.instances.get('shop-db-1')!,
      state: 'migrating',
      movingTo: 'mph-3',
    });
    view.position = 70;
    const bucket = new MemoryBucket();
    await publisherOver(view, bucket, { is: true }).tick();
    expect([...bucket.values.keys()].sort()).toEqual(['mph-1.shop', 'mph-3.shop']);
  });

  it("deletes the keys of the bucket's old layout, which name no host", async () => {
    const view = new SupervisionView();
    deployedShop(view);
    healthyDb(view, 'shop-db-1', 5432);
    view.position = 80;
    const bucket = new MemoryBucket();
    bucket.set('shop', { service: 'shop', version: 3, updatedAt: 0, applications: [] });
    await publisherOver(view, bucket, { is: true }).tick();
    expect([...bucket.values.keys()]).toEqual(['mph-1.shop']);
  });
});
