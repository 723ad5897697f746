import { intervalChange, type IntervalEvent, type PlacementInterval } from './placement-intervals';

const resources = { cpuMillis: 500, memoryBytes: 2 ** 30, storageBytes: 0, bandwidthBps: 0 };
const placed = (host: string): IntervalEvent => ({
  type: 'InstancePlaced',
  data: {
    instance: 'web-1',
    service: 'shop',
    app: 'web',
    host,
    layer: 'sim',
    resources,
    costPerHour: 0.3,
  },
});

/** Applies events in order and answers every interval, closed ones with their end. */
function intervals(events: IntervalEvent[]) {
  const all: Array<PlacementInterval & { endedAt?: string; closedBy?: number }> = [];
  events.forEach((event, i) => {
    const open = all.find((x) => x.endedAt === undefined);
    const change = intervalChange(open, event, `t${i + 1}`, i + 1);
    if (change.close && open)
      Object.assign(open, { endedAt: change.close.at, closedBy: change.close.closedBy });
    if (change.open) all.push({ ...change.open });
  });
  return all.map((x) => ({ host: x.host, from: x.placedAt, to: x.endedAt, openedBy: x.openedBy }));
}

describe('intervalChange', () => {
  it('opens an interval on the host an instance is placed on, until it stops', () => {
    expect(intervals([placed('geneva-1'), { type: 'InstanceStopped' }])).toEqual([
      { host: 'geneva-1', from: 't1', to: 't2', openedBy: 1 },
    ]);
  });

  it('ends the interval on the old host and opens one on the new host when the instance is relocated', () => {
    expect(
      intervals([
        placed('geneva-1'),
        { type: 'InstanceRelocated', data: { host: 'lausanne-2' } },
        { type: 'InstanceFailed' },
      ]),
    ).toEqual([
      { host: 'geneva-1', from: 't1', to: 't2', openedBy: 1 },
      { host: 'lausanne-2', from: 't2', to: 't3', openedBy: 2 },
    ]);
  });

  it('keeps the interval of a move rolled back to where the instance already was', () => {
    expect(
      intervals([
        placed('geneva-1'),
        { type: 'InstanceMigrationAborted', data: { host: 'geneva-1' } },
        { type: 'InstanceRelocated', data: { host: 'geneva-1' } },
      ]),
    ).toEqual([{ host: 'geneva-1', from: 't1', to: undefined, openedBy: 1 }]);
  });

  it('carries the placement’s service, application, layer and resources to the next host', () => {
    const open = intervalChange(undefined, placed('geneva-1'), 't1', 1).open!;
    const moved = intervalChange(
      open,
      { type: 'InstanceRelocated', data: { host: 'bern-1' } },
      't2',
      7,
    );
    expect(moved.open).toEqual({ ...open, host: 'bern-1', openedBy: 7, placedAt: 't2' });
  });

  it('changes nothing for an instance that ends without having been placed', () => {
    expect(intervalChange(undefined, { type: 'PlacementFailed' }, 't1', 1)).toEqual({});
    expect(
      intervalChange(undefined, { type: 'InstanceRelocated', data: { host: 'x' } }, 't1', 1),
    ).toEqual({});
  });
});
