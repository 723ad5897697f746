import type { CostedHost } from './host-rates';
import { usageCost } from './usage-cost';

const GiB = 1024 ** 3;

const geneva: CostedHost = {
  id: 'mph-1',
  site: 'geneva',
  rates: {
    cpuHour: 0.04,
    memoryGiBHour: 0.005,
    storageGiBMonth: 0.1,
    networkGiB: 0.01,
    standingPerHour: 0.02,
  },
  ups: true,
  raid: true,
};

describe('usage cost', () => {
  it("charges the host's rates for each resource used, times 1.13 for a host with UPS and RAID", () => {
    // 2 core-hours × 0.04 + 4 GiB-hours × 0.005 + 730 GiB-hours (a GiB-month) × 0.10 + 2 GiB × 0.01
    // = 0.08 + 0.02 + 0.10 + 0.02 = 0.22; × (1 + 0.08 + 0.05) = 0.2486.
    const cost = usageCost(
      {
        cpuSeconds: 7200,
        memoryGibMinutes: 240,
        storageGibHours: 730,
        networkInBytes: GiB,
        networkOutBytes: GiB,
      },
      geneva,
    );
    expect(cost).toBeCloseTo(0.2486, 10);
  });

  it('charges no surcharge on a host without UPS or RAID', () => {
    const plain = { ...geneva, ups: false, raid: false };
    const cost = usageCost(
      {
        cpuSeconds: 3600,
        memoryGibMinutes: 0,
        storageGibHours: 0,
        networkInBytes: 0,
        networkOutBytes: 0,
      },
      plain,
    );
    expect(cost).toBeCloseTo(0.04, 12);
  });
});
