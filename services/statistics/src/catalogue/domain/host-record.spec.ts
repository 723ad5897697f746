import { evolveHostRecord, type HostCatalogueEvent, type HostRecord } from './host-record';

const registered = (standingPerHour?: number): HostCatalogueEvent => ({
  type: 'HostRegistered',
  data: {
    host: 'geneva-1',
    site: 'geneva',
    securityLevel: 2,
    capacity: {
      cpuMillis: 8000,
      memoryBytes: 32 * 2 ** 30,
      storageBytes: 2 ** 40,
      bandwidthBps: 1e9,
    },
    costs: {
      cpuHour: 0.04,
      memoryGiBHour: 0.005,
      storageGiBMonth: 0.1,
      networkGiB: 0.01,
      ...(standingPerHour === undefined ? {} : { standingPerHour }),
    },
    features: { ups: true, raid: false },
  },
});

function fold(events: HostCatalogueEvent[]): HostRecord | undefined {
  return events.reduce<HostRecord | undefined>(
    (record, event, i) => evolveHostRecord(record, event, `2026-01-0${i + 1}T00:00:00.000Z`, i + 1),
    undefined,
  );
}

describe('evolveHostRecord', () => {
  it('records a registered host with its site, capacity, rates, standing cost and features', () => {
    expect(fold([registered(0.8)])).toEqual({
      id: 'geneva-1',
      site: 'geneva',
      state: 'ready',
      lifecycle: 'active',
      liveness: 'ready',
      cordoned: false,
      securityLevel: 2,
      capacity: {
        cpuMillis: 8000,
        memoryBytes: 32 * 2 ** 30,
        storageBytes: 2 ** 40,
        bandwidthBps: 1e9,
      },
      rates: {
        cpuHour: 0.04,
        memoryGiBHour: 0.005,
        storageGiBMonth: 0.1,
        networkGiB: 0.01,
        standingPerHour: 0.8,
      },
      features: { ups: true, raid: false },
      registeredAt: '2026-01-01T00:00:00.000Z',
      retiredAt: null,
      position: 1,
    });
  });

  it('counts no standing cost for a host whose config names none', () => {
    expect(fold([registered()])?.rates.standingPerHour).toBe(0);
  });

  it('ignores events of a host that never registered', () => {
    expect(fold([{ type: 'HostDown' }])).toBeUndefined();
  });

  it('follows liveness, drains and cordons', () => {
    expect(fold([registered(), { type: 'HostSuspected' }])?.state).toBe('suspect');
    expect(fold([registered(), { type: 'HostDown' }, { type: 'HostRecovered' }])?.state).toBe(
      'ready',
    );
    expect(fold([registered(), { type: 'HostDrainStarted' }, { type: 'HostDrained' }])?.state).toBe(
      'drained',
    );
    expect(fold([registered(), { type: 'HostCordoned' }])?.cordoned).toBe(true);
    expect(
      fold([registered(), { type: 'HostCordoned' }, { type: 'HostUncordoned' }])?.cordoned,
    ).toBe(false);
  });

  it('keeps a drained host drained when it recovers or registers again, its capacity still leaving', () => {
    const drained = [registered(), { type: 'HostDrainStarted' }, { type: 'HostDrained' }] as const;
    const recovered = fold([...drained, { type: 'HostDown' }, { type: 'HostRecovered' }]);
    expect([recovered?.state, recovered?.lifecycle]).toEqual(['drained', 'drained']);
    const reregistered = fold([...drained, registered()]);
    expect([reregistered?.state, reregistered?.lifecycle]).toEqual(['drained', 'drained']);
  });

  it('shows a down host that is draining as down, and draining again once it recovers', () => {
    const down = fold([registered(), { type: 'HostDrainStarted' }, { type: 'HostDown' }]);
    expect([down?.state, down?.lifecycle, down?.liveness]).toEqual(['down', 'draining', 'down']);
    const back = fold([
      registered(),
      { type: 'HostDrainStarted' },
      { type: 'HostDown' },
      { type: 'HostRecovered' },
    ]);
    expect(back?.state).toBe('draining');
  });

  it('returns a drained host to service when an uncordon ends its drain', () => {
    const record = fold([
      registered(),
      { type: 'HostDrainStarted' },
      { type: 'HostDrained' },
      { type: 'HostUncordoned', data: { drainEnded: true } },
    ]);
    expect([record?.state, record?.lifecycle]).toEqual(['ready', 'active']);
  });

  it('takes a new capacity and keeps when the host first registered across re-registrations', () => {
    const record = fold([
      registered(),
      {
        type: 'HostCapacityChanged',
        data: { capacity: { cpuMillis: 4000, memoryBytes: 1, storageBytes: 2, bandwidthBps: 3 } },
      },
      registered(1.5),
    ]);
    expect(record?.registeredAt).toBe('2026-01-01T00:00:00.000Z');
    expect(record?.rates.standingPerHour).toBe(1.5);
    expect(record?.position).toBe(3);
  });

  it('records when a host retired and changes it no more', () => {
    const record = fold([
      registered(),
      { type: 'HostRetired' },
      registered(),
      { type: 'HostRecovered' },
    ]);
    expect(record?.state).toBe('retired');
    expect(record?.retiredAt).toBe('2026-01-02T00:00:00.000Z');
    expect(record?.position).toBe(2);
  });
});
