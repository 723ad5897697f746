import { demandOfHour, demandSeries, type HourlyUsage } from './usage-demand';

const hour: HourlyUsage = {
  hour: new Date('2026-11-01T10:00:00.000Z'),
  // Two cores busy all hour, 4 GiB held all hour, 10 GiB stored, 450 MB each way.
  cpuSeconds: 7200,
  memoryGibMinutes: 240,
  storageGibHours: 10,
  networkInBytes: 450_000_000,
  networkOutBytes: 450_000_000,
  loadSum: 30,
  loadSamples: 60,
};

describe('usage as demand', () => {
  it('turns an hour of usage into its average demand in capacity units', () => {
    expect(demandOfHour(hour, 'cpu')).toBe(2000);
    expect(demandOfHour(hour, 'memory')).toBe(4 * 1024 ** 3);
    expect(demandOfHour(hour, 'storage')).toBe(10 * 1024 ** 3);
    expect(demandOfHour(hour, 'bandwidth')).toBe(2_000_000);
    expect(demandOfHour(hour, 'load')).toBe(0.5);
  });

  it('leaves out hours in which the application reported no load', () => {
    const quiet = {
      ...hour,
      hour: new Date('2026-11-01T11:00:00.000Z'),
      loadSum: 0,
      loadSamples: 0,
    };
    expect(demandSeries([hour, quiet], 'load')).toEqual([{ hour: hour.hour, value: 0.5 }]);
    expect(demandSeries([hour, quiet], 'cpu')).toHaveLength(2);
  });
});
