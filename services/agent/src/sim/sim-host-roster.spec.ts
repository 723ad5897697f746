import type { HostConfig } from '@federa/contracts';
import { SIM_AUTO_CAPACITY, simHostRoster } from './sim-host-roster';

const config = (host: string, extra: Partial<HostConfig> = {}): HostConfig =>
  ({
    host,
    site: 'geneva',
    securityLevel: 1,
    layers: ['sim'],
    capacity: 'auto',
    costs: { cpuHour: 0.01, memoryGiBHour: 0.001, storageGiBMonth: 0.01, networkGiB: 0.01 },
    ...extra,
  }) as HostConfig;

describe('simHostRoster', () => {
  it('numbers copies of the template when no hosts are named', () => {
    const roster = simHostRoster(config('sim'), 3);
    expect(roster.map((h) => h.id)).toEqual(['sim-0001', 'sim-0002', 'sim-0003']);
    expect(roster[0].capacity).toEqual(SIM_AUTO_CAPACITY);
  });

  it('simulates named hosts under their own ids, attributes and recorded capacity, ignoring the count', () => {
    const capacity = { cpuMillis: 2000, memoryBytes: 4e9, storageBytes: 1e11, bandwidthBps: 1e9 };
    const roster = simHostRoster(config('template'), 10, [
      { config: config('rack-a', { site: 'lausanne' }), capacity },
      { config: config('rack-b') },
    ]);
    expect(roster.map((h) => h.id)).toEqual(['rack-a', 'rack-b']);
    expect(roster[0].config.site).toBe('lausanne');
    expect(roster[0].capacity).toEqual(capacity);
    expect(roster[1].capacity).toEqual(SIM_AUTO_CAPACITY);
  });

  it('refuses a host named twice', () => {
    expect(() =>
      simHostRoster(config('t'), 0, [{ config: config('a') }, { config: config('a') }]),
    ).toThrow('hosts: a is named twice');
  });
});
