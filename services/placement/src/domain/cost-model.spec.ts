import { costPerHour, defaultCostModel, operatingFactor } from './cost-model';
import { clusterOf, GiB, hostAttributes } from '../testing/cluster-fixture';

describe('cost per hour', () => {
  it('is host rates times resources', () => {
    const state = clusterOf(
      hostAttributes('h', {
        costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.73, networkGiB: 0 },
      }),
    );
    const cost = costPerHour(
      { cpu: 2000, memory: 4 * GiB, storage: 10 * GiB, bandwidth: 0 },
      state.host('h')!,
    );
    // 2 cores × 0.04 + 4 GiB × 0.005 + 10 GiB × 0.73 / 730 h
    expect(cost).toBeCloseTo(0.08 + 0.02 + 0.01);
  });

  it('charges reserved bandwidth at the assumed average utilisation', () => {
    const state = clusterOf(
      hostAttributes('h', {
        costs: { cpuHour: 0, memoryGiBHour: 0, storageGiBMonth: 0, networkGiB: 1 },
      }),
    );
    const gibPerHourAtFullUse = ((8 * GiB) / 8 / GiB) * 3600;
    expect(
      costPerHour({ cpu: 0, memory: 0, storage: 0, bandwidth: 8 * GiB }, state.host('h')!),
    ).toBeCloseTo(gibPerHourAtFullUse * defaultCostModel.bandwidthUtilisation);
  });

  it('raises the operating factor for UPS, RAID and a dear site', () => {
    const state = clusterOf(
      hostAttributes('h', { site: 'zurich', features: { ups: true, raid: true } }),
    );
    const model = { ...defaultCostModel, siteFactors: { zurich: 1.5 } };
    expect(operatingFactor(state.host('h')!, model)).toBeCloseTo((1 + 0.08 + 0.05) * 1.5);
  });
});
