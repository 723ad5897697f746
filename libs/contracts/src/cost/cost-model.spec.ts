import { defaultCostModel, operatingFactor, reservationCostPerHour } from './cost-model';

const GiB = 1024 ** 3;
const rates = { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.73, networkGiB: 1 };

describe('cost model', () => {
  it('prices a reservation at the rates per resource, storage by a 730-hour month', () => {
    const cost = reservationCostPerHour(
      { cpu: 2000, memory: 4 * GiB, storage: 10 * GiB, bandwidth: 0 },
      rates,
    );
    expect(cost).toBeCloseTo(0.08 + 0.02 + 0.01, 12);
  });

  it('charges reserved bandwidth at the assumed average utilisation', () => {
    const cost = reservationCostPerHour(
      { cpu: 0, memory: 0, storage: 0, bandwidth: 8 * GiB },
      rates,
    );
    expect(cost).toBeCloseTo(3600 * defaultCostModel.bandwidthUtilisation, 9);
  });

  it("multiplies by 1 + the UPS and RAID surcharges, times the site's factor", () => {
    const model = { ...defaultCostModel, siteFactors: { zurich: 1.5 } };
    expect(operatingFactor({ ups: true, raid: true }, 'zurich', model)).toBeCloseTo(1.13 * 1.5, 12);
    expect(operatingFactor({ ups: false, raid: true }, 'geneva', model)).toBeCloseTo(1.05, 12);
    expect(operatingFactor({ ups: false, raid: false }, 'geneva')).toBe(1);
  });
});
