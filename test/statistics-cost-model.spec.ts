import {
  defaultCostModel,
  operatingFactor as placementFactor,
} from '../services/placement/src/domain/cost-model';
import type { HostEntry } from '../services/placement/src/domain/host-entry';
import {
  defaultSurcharges,
  operatingFactor,
} from '../services/statistics/src/cost/domain/surcharges';

// Statistics charges what placement optimised for: its surcharges are a copy of placement's, which
// a service may not import; this keeps the copy honest.
describe("statistics' surcharges", () => {
  it("are placement's cost model's UPS and RAID factors and bandwidth utilisation", () => {
    expect(defaultSurcharges.bandwidthUtilisation).toBe(defaultCostModel.bandwidthUtilisation);
    for (const ups of [false, true]) {
      for (const raid of [false, true]) {
        const entry = { site: 'geneva', features: { ups, raid } } as HostEntry;
        expect(operatingFactor({ ups, raid })).toBeCloseTo(placementFactor(entry), 12);
      }
    }
  });
});
