import { defaultCostModel, type CostModel } from '@federa/contracts';
import { costPerHour } from '../services/placement/src/domain/cost-model';
import { clusterOf, hostAttributes } from '../services/placement/src/testing/cluster-fixture';
import { costBreakdown } from '../services/statistics/src/cost/domain/cost-breakdown';
import type { CostedHost } from '../services/statistics/src/cost/domain/host-rates';
import { reservationWeight } from '../services/statistics/src/cost/domain/standing-cost';
import { usageCost } from '../services/statistics/src/cost/domain/usage-cost';

// Placement chooses hosts by the cost of a reservation and statistics reports the cost of usage;
// both price by the one cost model, so a reservation used in full for an hour costs the same in both.
const GiB = 1024 ** 3;
const H = 3_600_000;
const model: CostModel = { ...defaultCostModel, siteFactors: { zurich: 1.5 } };
const resources = { cpu: 1500, memory: 6 * GiB, storage: 40 * GiB, bandwidth: 200e6 };
const rates = { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 };

const placementHost = clusterOf(
  hostAttributes('zh-1', { site: 'zurich', costs: rates, features: { ups: true, raid: true } }),
).host('zh-1')!;
const statisticsHost: CostedHost = {
  id: 'zh-1',
  site: 'zurich',
  rates: { ...rates, standingPerHour: 0 },
  ups: true,
  raid: true,
};

/** The usage of holding `resources` for an hour, bandwidth at the model's assumed utilisation. */
const fullHour = {
  cpuSeconds: (resources.cpu / 1000) * 3600,
  memoryGibMinutes: (resources.memory / GiB) * 60,
  storageGibHours: resources.storage / GiB,
  networkInBytes: (resources.bandwidth / 8) * 3600 * model.bandwidthUtilisation,
  networkOutBytes: 0,
};

describe('the cost model placement and statistics share', () => {
  it("charges a reservation used in full for an hour what placement's cost per hour says, UPS, RAID and site factor included", () => {
    const planned = costPerHour(resources, placementHost, model);
    // 1.5 × 0.04 + 6 × 0.005 + 40 × 0.1 / 730 + 9 GB × 0.01 / GiB, × 1.13 × 1.5.
    const base = 0.06 + 0.03 + 4 / 730 + (9e9 / GiB) * 0.01;
    expect(planned).toBeCloseTo(base * 1.13 * 1.5, 12);
    expect(usageCost(fullHour, statisticsHost, model)).toBeCloseTo(planned, 12);
  });

  it("reports that hour at placement's cost when the model is passed to the cost breakdown", () => {
    const breakdown = costBreakdown({
      groupBy: 'service',
      from: 0,
      to: H,
      usage: [{ key: 'shop', host: 'zh-1', usage: fullHour }],
      hosts: new Map([['zh-1', statisticsHost]]),
      stays: [],
      model,
    });
    expect(breakdown.total).toBeCloseTo(costPerHour(resources, placementHost, model), 12);
  });

  it("weighs a stay's share of standing cost by placement's cost of its reservation, before the host's factor", () => {
    expect(reservationWeight(resources, statisticsHost.rates, model) * 1.13 * 1.5).toBeCloseTo(
      costPerHour(resources, placementHost, model),
      12,
    );
  });
});
