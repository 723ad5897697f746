import { evolveInstance, isLive, type InstanceEvent, type InstanceView } from './instance-view';

function fold(events: InstanceEvent[]): InstanceView | undefined {
  return events.reduce<InstanceView | undefined>(
    (view, event) => evolveInstance(view, event),
    undefined,
  );
}

const requested: InstanceEvent = {
  type: 'InstanceRequested',
  data: { instance: 'i-1', service: 'shop', app: 'web', layer: 'process', revision: 2 },
  occurredAt: '2025-01-01T00:00:00.000Z',
};

describe('the instance view', () => {
  it('follows an instance from request to healthy, remembering its host and when it got there', () => {
    const view = fold([
      requested,
      { type: 'InstancePlaced', data: { host: 'mph-1' }, occurredAt: '2025-01-01T00:00:01.000Z' },
      { type: 'InstanceRunning', data: { host: 'mph-1' }, occurredAt: '2025-01-01T00:00:02.000Z' },
      { type: 'InstanceHealthy', data: { host: 'mph-1' }, occurredAt: '2025-01-01T00:00:03.000Z' },
    ]);
    expect(view).toEqual({
      id: 'i-1',
      service: 'shop',
      app: 'web',
      layer: 'process',
      host: 'mph-1',
      state: 'healthy',
      since: '2025-01-01T00:00:03.000Z',
      revision: 2,
      healthyAt: '2025-01-01T00:00:03.000Z',
      generation: 1,
    });
  });

  it("shows a replacement's data: the age of the copy it started from, or that it started empty", () => {
    const at = '2025-01-01T00:00:01.000Z';
    const restored = fold([
      {
        ...requested,
        data: { ...requested.data, dataAgeMs: 4200, restoreFrom: 'backups/x/1', replaces: 'x' },
      },
      {
        type: 'InstancePlaced',
        data: { host: 'mph-1', generation: 1, dataAgeMs: 4200 },
        occurredAt: at,
      },
    ]);
    expect(restored).toMatchObject({ dataAgeMs: 4200, generation: 1, replaces: 'x' });
    expect(restored).not.toHaveProperty('dataLost');
    const empty = fold([{ ...requested, data: { ...requested.data, dataLost: true } }]);
    expect(empty).toMatchObject({ dataLost: true });
    const moved = fold([
      requested,
      { type: 'InstancePlaced', data: { host: 'mph-1' }, occurredAt: at },
      { type: 'InstanceRelocated', data: { host: 'mph-2' }, occurredAt: at },
    ]);
    expect(moved?.generation).toBe(2);
  });

  it('keeps the endpoint its InstanceRunning names while it lives, and forgets it when it moves or ends', () => {
    const endpoint = { address: '10.0.0.7', port: 8080 };
    const running: InstanceEvent = {
      type: 'InstanceRunning',
      data: { host: 'mph-1', endpoint },
      occurredAt: '2025-01-01T00:00:02.000Z',
    };
    const healthy: InstanceEvent = {
      type: 'InstanceHealthy',
      data: { host: 'mph-1' },
      occurredAt: '2025-01-01T00:00:03.000Z',
    };
    expect(fold([requested, running, healthy])?.endpoint).toEqual(endpoint);
    const relocated: InstanceEvent = {
      type: 'InstanceRelocated',
      data: { host: 'mph-2', migration: 'm-1', from: 'mph-1' },
      occurredAt: 'x',
    };
    expect(fold([requested, running, healthy, relocated])?.endpoint).toBeUndefined();
    const stopped: InstanceEvent = {
      type: 'InstanceStopped',
      data: { reason: 'requested' },
      occurredAt: 'x',
    };
    expect(fold([requested, running, healthy, stopped])?.endpoint).toBeUndefined();
  });

  it('shows a rolled-back move running on its source, whether its stream says aborted or (before abort existed) relocated there', () => {
    const at = '2025-01-01T00:00:01.000Z';
    const placed: InstanceEvent = {
      type: 'InstancePlaced',
      data: { host: 'mph-1' },
      occurredAt: at,
    };
    const migrating: InstanceEvent = {
      type: 'InstanceMigrating',
      data: { host: 'mph-1', migration: 'm-1', to: 'mph-2' },
      occurredAt: at,
    };
    const aborted = fold([
      requested,
      placed,
      migrating,
      {
        type: 'InstanceMigrationAborted',
        data: { host: 'mph-1', migration: 'm-1', reason: 'import: target gone' },
        occurredAt: at,
      },
    ]);
    const relocatedBack = fold([
      requested,
      placed,
      migrating,
      {
        type: 'InstanceRelocated',
        data: { host: 'mph-1', migration: 'm-1', from: 'mph-1' },
        occurredAt: at,
      },
    ]);
    for (const view of [aborted, relocatedBack]) {
      expect(view).toMatchObject({ state: 'running', host: 'mph-1', generation: 2 });
      expect(view).not.toHaveProperty('reason');
      expect(view).not.toHaveProperty('endpoint');
    }
  });

  it('counts a healthy instance whose source serves through its move as serving, and healthy once the move is verified', () => {
    const at = '2025-01-01T00:00:01.000Z';
    const healthy = fold([
      requested,
      { type: 'InstancePlaced', data: { host: 'mph-1' }, occurredAt: at },
      { type: 'InstanceHealthy', data: { host: 'mph-1' }, occurredAt: at },
    ]);
    const moving = evolveInstance(healthy, {
      type: 'InstanceMigrating',
      data: { host: 'mph-1', migration: 'm-1', to: 'mph-2', servesWhileMoving: true },
      occurredAt: at,
    });
    expect(moving).toMatchObject({ state: 'migrating', servingWhileMoving: true });

    const moved = evolveInstance(moving, {
      type: 'InstanceRelocated',
      data: { host: 'mph-2', migration: 'm-1', from: 'mph-1', verified: true },
      occurredAt: at,
    });
    expect(moved).toMatchObject({ state: 'healthy', host: 'mph-2' });
    expect(moved).not.toHaveProperty('servingWhileMoving');
  });

  it('dates the first health of an instance to its verified move when it was never healthy before', () => {
    const at = '2025-01-01T00:00:01.000Z';
    const movedAt = '2025-01-01T00:00:09.000Z';
    const moved = fold([
      requested,
      { type: 'InstancePlaced', data: { host: 'mph-1' }, occurredAt: at },
      { type: 'InstanceRunning', data: { host: 'mph-1' }, occurredAt: at },
      { type: 'InstanceMigrating', data: { host: 'mph-1', to: 'mph-2' }, occurredAt: at },
      {
        type: 'InstanceRelocated',
        data: { host: 'mph-2', migration: 'm-1', from: 'mph-1', verified: true },
        occurredAt: movedAt,
      },
    ]);
    expect(moved).toMatchObject({ state: 'healthy', healthyAt: movedAt });
  });

  it('does not count a cold move as serving: its source stops for the copy', () => {
    const at = '2025-01-01T00:00:01.000Z';
    const moving = fold([
      requested,
      { type: 'InstancePlaced', data: { host: 'mph-1' }, occurredAt: at },
      { type: 'InstanceHealthy', data: { host: 'mph-1' }, occurredAt: at },
      {
        type: 'InstanceMigrating',
        data: { host: 'mph-1', migration: 'm-1', to: 'mph-2' },
        occurredAt: at,
      },
    ]);
    expect(moving).toMatchObject({ state: 'migrating' });
    expect(moving).not.toHaveProperty('servingWhileMoving');
  });

  it('keeps the message of a placement failure', () => {
    const view = fold([
      requested,
      {
        type: 'PlacementFailed',
        data: { reasons: [{ filter: 'layer', hosts: 3 }], message: 'no host offers process' },
        occurredAt: '2025-01-01T00:00:01.000Z',
      },
    ]);
    expect(view).toMatchObject({ state: 'failed', reason: 'no host offers process' });
    expect(isLive(view!)).toBe(false);
  });

  it('shows a stop in progress as stopping, with its reason', () => {
    const view = fold([
      requested,
      { type: 'InstanceStopRequested', data: { reason: 'scale-in' }, occurredAt: 'x' },
    ]);
    expect(view).toMatchObject({ state: 'stopping', reason: 'scale-in' });
  });

  it('is not brought back to life by a late report after it failed', () => {
    const view = fold([
      requested,
      { type: 'InstanceFailed', data: { reason: 'exited 1' }, occurredAt: 'a' },
      { type: 'InstanceHealthy', data: {}, occurredAt: 'b' },
    ]);
    expect(view).toMatchObject({ state: 'failed', reason: 'exited 1', since: 'a' });
  });

  it('ignores events of types it does not know and events before the request', () => {
    expect(fold([{ type: 'InstanceHealthy', data: {}, occurredAt: 'a' }])).toBeUndefined();
    expect(fold([requested, { type: 'InstanceRenamed', data: {}, occurredAt: 'b' }])?.state).toBe(
      'pending',
    );
  });
});
