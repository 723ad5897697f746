import { capacityBars } from './capacity-bars';

describe('a host capacity bars', () => {
  it('shows each resource allocated against its capacity in readable units', () => {
    const bars = capacityBars(
      { cpuMillis: 8000, memoryBytes: 16 * 2 ** 30 },
      { cpuMillis: 2500, memoryBytes: 4 * 2 ** 30 },
    );
    expect(bars).toEqual([
      { resource: 'cpu', allocated: 2500, capacity: 8000, ratio: 0.3125, label: '2.5 / 8.0 cores' },
      {
        resource: 'memory',
        allocated: 4 * 2 ** 30,
        capacity: 16 * 2 ** 30,
        ratio: 0.25,
        label: '4.0 / 16.0 GiB',
      },
    ]);
  });

  it('counts a resource nothing allocated as empty, and a resource the host lacks as zero', () => {
    const [storage, gpu] = capacityBars({ storageBytes: 2 ** 30, gpus: 0 }, {});
    expect(storage.ratio).toBe(0);
    expect(gpu).toMatchObject({ resource: 'gpus', ratio: 0, label: '0 / 0' });
  });

  it('never draws a bar past full when a host is over-allocated', () => {
    expect(capacityBars({ cpuMillis: 1000 }, { cpuMillis: 1500 })[0].ratio).toBe(1);
  });
});
