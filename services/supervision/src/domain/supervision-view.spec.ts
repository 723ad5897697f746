import type { RecordedEvent } from '@federa/contracts';
import { SupervisionView } from './supervision-view';

let position = 0;
const recorded = (streamId: string, type: string, data: Record<string, unknown>): RecordedEvent =>
  ({
    streamId,
    type,
    data,
    position: ++position,
    streamVersion: 1,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { occurredAt: '2026-01-01T00:00:00.000Z' },
  }) as unknown as RecordedEvent;

describe("supervision's view", () => {
  it('forgets everything it folded on reset, as a view that has read nothing', () => {
    const view = new SupervisionView();
    const ref = { service: 'shop', app: 'db', instance: 'shop-db-1' };
    view.apply([
      recorded('host-h1', 'HostRegistered', { host: 'h1', epoch: 2 }),
      recorded('instance-shop-db-1', 'InstanceRequested', {
        ...ref,
        layer: 'process',
        revision: 1,
      }),
      recorded('instance-shop-db-1', 'InstancePlaced', { ...ref, host: 'h1', hostEpoch: 2 }),
      recorded('host-h1', 'HostDown', { host: 'h1', cause: 'dead' }),
    ]);
    expect(view.position).toBeGreaterThan(0);

    view.reset();

    expect(view).toEqual(new SupervisionView());
  });

  it("keeps a service's latest intent and each stream's latest event, to name what a decision acts for", () => {
    const view = new SupervisionView();
    const by = (event: RecordedEvent, eventId: string, actor: string): RecordedEvent => ({
      ...event,
      eventId,
      metadata: { ...event.metadata, correlationId: `c-${eventId}`, actor, actorRole: 'operator' },
    });
    view.apply([
      by(recorded('service-shop', 'ServiceStopStarted', { service: 'shop' }), 'e1', 'token:alice'),
      by(recorded('service-shop', 'ServiceAvailable', { service: 'shop' }), 'e2', 'supervision'),
      by(recorded('host-h1', 'HostDown', { host: 'h1', cause: 'dead' }), 'e3', 'inventory'),
    ]);

    expect(view.intents.get('shop')).toMatchObject({
      eventId: 'e1',
      metadata: { actor: 'token:alice', actorRole: 'operator' },
    });
    expect(view.causedBy('host-h1')).toEqual({
      correlationId: 'c-e3',
      causationId: 'e3',
      actor: 'inventory',
      actorRole: 'operator',
      decidedBy: 'supervision',
    });
    expect(view.causedBy('instance-unknown')).toMatchObject({
      actor: 'supervision',
      decidedBy: 'supervision',
    });
  });

  it('keeps its listeners across a reset, so that the replayed pages are heard', () => {
    const view = new SupervisionView();
    const heard: number[] = [];
    view.onApplied((events) => heard.push(events.length));

    view.reset();
    view.apply([recorded('host-h1', 'HostRegistered', { host: 'h1', epoch: 1 })]);

    expect(heard).toEqual([1]);
  });

  it('says a lost instance awaits its report once its host is back, and not that the host is down', () => {
    const view = new SupervisionView();
    const ref = { service: 'shop', app: 'db', instance: 'shop-db-2' };
    view.apply([
      recorded('host-h2', 'HostRegistered', { host: 'h2', epoch: 1 }),
      recorded('instance-shop-db-2', 'InstanceRequested', {
        ...ref,
        layer: 'process',
        revision: 1,
      }),
      recorded('instance-shop-db-2', 'InstancePlaced', { ...ref, host: 'h2', hostEpoch: 1 }),
      recorded('host-h2', 'HostDown', { host: 'h2', cause: 'partitioned' }),
      recorded('instance-shop-db-2', 'InstanceLost', { ...ref, host: 'h2', reason: 'cut off' }),
    ]);
    expect(view.instancesOf('shop')[0]).toMatchObject({
      stranded: true,
      partitioned: 'within grace',
    });

    view.apply([recorded('host-h2', 'HostRecovered', { host: 'h2', epoch: 2 })]);

    const [db] = view.instancesOf('shop');
    expect(db).toMatchObject({ state: 'lost', stranded: true, awaitingReport: true });
    expect(db.partitioned).toBeUndefined();
  });

  it('counts a moving instance whose source host died as serving no more', () => {
    const view = new SupervisionView();
    const ref = { service: 'shop', app: 'web', instance: 'shop-web-1' };
    view.apply([
      recorded('host-h3', 'HostRegistered', { host: 'h3', epoch: 1 }),
      recorded('instance-shop-web-1', 'InstanceRequested', {
        ...ref,
        layer: 'process',
        revision: 1,
      }),
      recorded('instance-shop-web-1', 'InstancePlaced', { ...ref, host: 'h3', hostEpoch: 1 }),
      recorded('instance-shop-web-1', 'InstanceHealthy', { ...ref, host: 'h3' }),
      recorded('instance-shop-web-1', 'InstanceMigrating', {
        ...ref,
        migration: 'm-1',
        to: 'h4',
        servesWhileMoving: true,
      }),
    ]);
    expect(view.instancesOf('shop')[0].servingWhileMoving).toBe(true);

    view.apply([recorded('host-h3', 'HostDown', { host: 'h3', cause: 'dead' })]);

    const [web] = view.instancesOf('shop');
    expect(web).toMatchObject({ state: 'migrating', host: 'h3' });
    expect(web.servingWhileMoving).toBeUndefined();
    expect(view.instances.get('shop-web-1')?.servingWhileMoving).toBe(true);
  });

  it('knows since when a host is back (its report deadlines count from then)', () => {
    const view = new SupervisionView();

    view.apply([
      recorded('host-h2', 'HostDown', { host: 'h2', cause: 'partitioned' }),
      recorded('host-h2', 'HostRecovered', { host: 'h2', epoch: 2 }),
    ]);

    expect(view.hosts.get('h2')).toEqual({
      id: 'h2',
      epoch: 2,
      down: false,
      upAt: Date.parse('2026-01-01T00:00:00.000Z'),
    });
  });
});
