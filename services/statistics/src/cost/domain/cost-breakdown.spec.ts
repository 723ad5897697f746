import { costBreakdown, type CostInputs } from './cost-breakdown';
import type { CostedHost } from './host-rates';
import { noUsage } from '../../usage/domain/usage-amounts';

const H = 3_600_000;
const hostA: CostedHost = {
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
const hostB: CostedHost = {
  id: 'mph-2',
  site: 'lausanne',
  rates: {
    cpuHour: 0.02,
    memoryGiBHour: 0.005,
    storageGiBMonth: 0.1,
    networkGiB: 0.01,
    standingPerHour: 0.01,
  },
  ups: false,
  raid: false,
};
const core = { cpu: 1000, memory: 0, storage: 0, bandwidth: 0 };
const cpuSeconds = (s: number) => ({ ...noUsage(), cpuSeconds: s });

const inputs = (
  groupBy: CostInputs['groupBy'],
  key: (service: string, app: string) => string,
): CostInputs => ({
  groupBy,
  from: 0,
  to: 10 * H,
  hosts: new Map([hostA, hostB].map((h) => [h.id, h])),
  usage: [
    { key: key('shop', 'web'), host: 'mph-1', usage: cpuSeconds(3600) },
    { key: key('shop', 'web'), host: 'mph-2', usage: cpuSeconds(3600) },
    { key: key('blog', 'web'), host: 'mph-1', usage: cpuSeconds(7200) },
    { key: key('blog', 'web'), host: 'unknown-host', usage: cpuSeconds(7200) },
  ],
  stays: [
    {
      instance: 'shop-web-1',
      service: 'shop',
      application: 'web',
      host: 'mph-1',
      resources: core,
      from: 0,
    },
    {
      instance: 'blog-web-1',
      service: 'blog',
      application: 'web',
      host: 'mph-1',
      resources: core,
      from: -H,
    },
    {
      instance: 'shop-web-2',
      service: 'shop',
      application: 'web',
      host: 'mph-2',
      resources: core,
      from: 0,
      to: 5 * H,
    },
  ],
});

// Hand-checked over 10 hours:
// mph-1 (UPS + RAID, × 1.13): shop 1 core-hour = 0.0452, blog 2 core-hours = 0.0904; standing 0.20 split 0.10 / 0.10.
// mph-2 (no surcharge): shop 1 core-hour = 0.02; standing 0.10, half while shop-web-2 stood on it (0.05), half idle.
describe('cost over a window', () => {
  it('per service is usage at each host rate plus the share of standing cost of its instances', () => {
    const report = costBreakdown(inputs('service', (s) => s));
    expect(
      report.lines.map((l) => [l.key, round(l.usageCost), round(l.standingCost), round(l.cost)]),
    ).toEqual([
      ['shop', 0.0652, 0.15, 0.2152],
      ['blog', 0.0904, 0.1, 0.1904],
    ]);
    expect(round(report.unattributed)).toBe(0.05);
    expect(round(report.total)).toBe(0.4556);
  });

  it('per host and per site carries all standing cost, idle time included, and totals the same', () => {
    const hosts = costBreakdown(inputs('host', () => 'ignored'));
    expect(hosts.lines.map((l) => [l.key, round(l.cost)])).toEqual([
      ['mph-1', 0.3356],
      ['mph-2', 0.12],
    ]);
    expect(hosts.unattributed).toBe(0);
    expect(round(hosts.total)).toBe(0.4556);
    const sites = costBreakdown(inputs('site', () => 'ignored'));
    expect(sites.lines.map((l) => [l.key, round(l.cost)])).toEqual([
      ['geneva', 0.3356],
      ['lausanne', 0.12],
    ]);
  });

  it('per application names it service/application', () => {
    const report = costBreakdown(inputs('application', (s, a) => `${s}/${a}`));
    expect(report.lines.map((l) => [l.key, round(l.cost)])).toEqual([
      ['shop/web', 0.2152],
      ['blog/web', 0.1904],
    ]);
  });
});

describe('cost over a window in which a host changed its rates and site', () => {
  // mph-2 at 0.02/core-hour and 0.01/hour standing in lausanne until 4h, then 0.04 and 0.03 in bern.
  const moved: CostedHost = {
    ...hostB,
    terms: [
      { from: -H, site: 'lausanne', rates: hostB.rates, ups: false, raid: false },
      {
        from: 4 * H,
        site: 'bern',
        rates: { ...hostB.rates, cpuHour: 0.04, standingPerHour: 0.03 },
        ups: false,
        raid: false,
      },
    ],
  };
  const changed = (groupBy: CostInputs['groupBy']): CostInputs => ({
    groupBy,
    from: 0,
    to: 10 * H,
    hosts: new Map([[moved.id, moved]]),
    usage: [
      { key: 'shop', host: 'mph-2', usage: cpuSeconds(3600), at: 0 },
      { key: 'shop', host: 'mph-2', usage: cpuSeconds(3600), at: 5 * H },
    ],
    stays: [],
  });

  it('prices usage and standing cost at the rates that held when they were incurred', () => {
    // Usage 0.02 + 0.04; standing 4 h × 0.01 + 6 h × 0.03 = 0.22.
    const report = costBreakdown(changed('host'));
    expect(report.lines.map((l) => [l.key, round(l.usageCost), round(l.standingCost)])).toEqual([
      ['mph-2', 0.06, 0.22],
    ]);
  });

  it('puts each part on the site the host stood at then', () => {
    const report = costBreakdown(changed('site'));
    expect(report.lines.map((l) => [l.key, round(l.cost)])).toEqual([
      ['bern', 0.22],
      ['lausanne', 0.06],
    ]);
  });
});

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
