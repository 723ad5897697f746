import type { CostReport } from '@federa/contracts';
import { costLines, costsQuery, renderCosts } from './costs';

const report: CostReport = {
  groupBy: 'service',
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-02T00:00:00.000Z',
  items: [
    {
      key: 'shop',
      usageCost: 1.2,
      standingCost: 0.3,
      cost: 1.5,
      budget: {
        maxCostPerHour: 0.05,
        exceededSince: '2026-03-01T12:00:00.000Z',
        exceededCostPerHour: 0.07,
      },
    },
    { key: 'blog', usageCost: 0.004, standingCost: 0, cost: 0.004 },
  ],
  total: 1.6,
  unattributed: 0.096,
};

describe('federa costs', () => {
  it('prints one line per group with its budget, then the total and what idle hosts cost', () => {
    expect(renderCosts('table', report)).toBe(
      [
        'SERVICE  COST    USAGE   STANDING  BUDGET/H',
        'shop     1.50    1.20    0.30      0.05 EXCEEDED',
        'blog     0.0040  0.0040  0.00',
        '',
        "Total 1.60 from 2026-03-01T00:00:00.000Z to 2026-03-02T00:00:00.000Z, of which 0.10 idle hosts' standing cost",
      ].join('\n'),
    );
  });

  it('asks for a window given as a duration back from --to', () => {
    const query = costsQuery({ groupBy: 'site', from: '7d', to: '2026-03-08T00:00:00Z' });
    expect(Object.fromEntries(query)).toEqual({
      groupBy: 'site',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-08T00:00:00.000Z',
    });
  });

  it('refuses a --from that is neither a time nor a duration, naming the flag', () => {
    expect(() => costsQuery({ groupBy: 'service', from: 'yesterday' })).toThrow(/--from/);
  });

  it('refuses a --to that is not ISO 8601 even where the JavaScript date parser would guess one', () => {
    expect(() => costsQuery({ groupBy: 'service', to: '5' })).toThrow(/--to/);
  });
});

describe('describe service', () => {
  it("shows the last hour's cost against the budget and since when it is exceeded", () => {
    expect(costLines(report.items[0])).toEqual([
      'Cost:     1.50/h over the last hour (budget 0.05/h)',
      'Budget:   exceeded since 2026-03-01T12:00:00.000Z (0.07/h measured)',
    ]);
    expect(costLines(undefined)).toEqual(['Cost:     0.00/h over the last hour']);
  });
});
