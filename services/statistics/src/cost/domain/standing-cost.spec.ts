import type { CostedHost } from './host-rates';
import { reservationWeight, standingShares, type HostStay } from './standing-cost';

const H = 3_600_000;
const host: CostedHost = {
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
  raid: false,
};
const cpu = (millis: number) => ({ cpu: millis, memory: 0, storage: 0, bandwidth: 0 });

describe("a host's standing cost", () => {
  it('is standingPerHour × the hours of the window, spread by reservation weight among the instances present', () => {
    const stays: HostStay[] = [
      { instance: 'a', resources: cpu(1000), from: 0 },
      { instance: 'b', resources: cpu(3000), from: 0, to: 5 * H },
    ];
    // 10 h × 0.02 = 0.20. Hours 0-5: a 1/4, b 3/4 of 0.10; hours 5-10: a alone, 0.10.
    const shares = standingShares(host, stays, 0, 10 * H);
    expect(shares.total).toBeCloseTo(0.2, 12);
    expect(shares.byInstance.get('a')).toBeCloseTo(0.125, 12);
    expect(shares.byInstance.get('b')).toBeCloseTo(0.075, 12);
    expect(shares.idle).toBe(0);
  });

  it('leaves the time nothing runs on the host as idle, charged to no instance', () => {
    const shares = standingShares(
      host,
      [{ instance: 'a', resources: cpu(500), from: -H, to: 4 * H }],
      0,
      10 * H,
    );
    expect(shares.byInstance.get('a')).toBeCloseTo(0.08, 12);
    expect(shares.idle).toBeCloseTo(0.12, 12);
  });

  it('counts only the time the host stood in the fleet', () => {
    const shares = standingShares({ ...host, since: 2 * H, retiredAt: 6 * H }, [], 0, 10 * H);
    expect(shares.total).toBeCloseTo(0.08, 12);
    expect(shares.idle).toBeCloseTo(0.08, 12);
  });

  it('is nothing for a host registered without a standing rate', () => {
    const free = { ...host, rates: { ...host.rates, standingPerHour: 0 } };
    expect(
      standingShares(free, [{ instance: 'a', resources: cpu(1000), from: 0 }], 0, H).total,
    ).toBe(0);
  });

  it('splits equally among instances that reserve nothing', () => {
    const stays = ['a', 'b'].map((instance) => ({ instance, resources: cpu(0), from: 0 }));
    const shares = standingShares(host, stays, 0, H);
    expect(shares.byInstance.get('a')).toBeCloseTo(0.01, 12);
    expect(shares.byInstance.get('b')).toBeCloseTo(0.01, 12);
  });

  it('weighs a reservation by what its resources cost per hour at the host rates', () => {
    // 1 core × 0.04 + 2 GiB × 0.005 + 730 GiB × 0.10 / 730 + 80 Mbps at 10 % for an hour (3.6 GB) × 0.01/GiB.
    const weight = reservationWeight(
      { cpu: 1000, memory: 2 * 1024 ** 3, storage: 730 * 1024 ** 3, bandwidth: 80_000_000 },
      host.rates,
    );
    expect(weight).toBeCloseTo(0.04 + 0.01 + 0.1 + (3.6e9 / 1024 ** 3) * 0.01, 12);
  });
});
