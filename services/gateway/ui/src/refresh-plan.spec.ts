import { panelsStaleAfter, panelsStaleAfterAll } from './refresh-plan';

describe('which panels an event makes stale', () => {
  it('a host event refreshes the hosts panel only', () => {
    expect(panelsStaleAfter('HostDrainStarted')).toEqual(['hosts']);
  });

  it('an instance failing refreshes the instances and the services that count them', () => {
    expect(panelsStaleAfter('InstanceFailed')).toEqual(['instances', 'services']);
  });

  it('a relocated instance also refreshes migrations and hosts, whose allocations moved', () => {
    expect(panelsStaleAfter('InstanceRelocated')).toEqual(
      expect.arrayContaining(['migrations', 'hosts']),
    );
  });

  it('a migration phase refreshes the migrations panel', () => {
    expect(panelsStaleAfter('MigrationPhaseStarted')).toContain('migrations');
  });

  it('statistics events refresh their charts', () => {
    expect(panelsStaleAfter('UsageRecorded')).toEqual(['costs']);
    expect(panelsStaleAfter('CapacityForecasted')).toEqual(['forecasts']);
  });

  it('an event no panel shows refreshes nothing', () => {
    expect(panelsStaleAfter('TokenCreated')).toEqual([]);
  });

  it('a burst of events names each stale panel once', () => {
    expect([...panelsStaleAfterAll(['InstanceFailed', 'InstanceHealthy', 'HostDown'])]).toEqual([
      'instances',
      'services',
      'hosts',
    ]);
  });
});
