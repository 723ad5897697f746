import type { DrainPlan } from '@federa/contracts';
import { drainPlanLines } from './drain-plan-lines';

const plan: DrainPlan = {
  host: 'h1',
  moves: [
    {
      instance: 'shop-web-1a2b3c',
      service: 'shop',
      app: 'web',
      from: 'h1',
      to: 'h2',
      mode: 'make-before-break',
      costPerHour: { before: 0.0043, after: 0.0039 },
    },
    {
      instance: 'shop-db-4d5e6f',
      service: 'shop',
      app: 'db',
      from: 'h1',
      to: 'h3',
      mode: 'cold',
      costPerHour: { before: 0.02, after: 0.025 },
    },
  ],
  blocked: [
    { instance: 'shop-ledger-7a8b9c', service: 'shop', app: 'ledger', reason: 'not relocatable' },
  ],
  costPerHour: { before: 0.0343, after: 0.0389 },
};

describe('a drain plan for a reader', () => {
  it('lists each move with its hosts, mode and cost per hour before and after', () => {
    const lines = drainPlanLines(plan);
    expect(lines[0]).toBe('Draining h1 would move:');
    expect(lines[1]).toMatch(/^INSTANCE\s+APP\s+FROM → TO\s+MODE\s+COST\/H BEFORE → AFTER$/);
    expect(lines[2]).toMatch(
      /^shop-web-1a2b3c\s+shop\/web\s+h1 → h2\s+make-before-break\s+0\.0043\/h → 0\.0039\/h$/,
    );
    expect(lines[3]).toMatch(/^shop-db-4d5e6f\s+shop\/db\s+h1 → h3\s+cold\s+0\.02\/h → 0\.025\/h$/);
  });

  it('lists what blocks with its reason, then the totals before and after', () => {
    expect(drainPlanLines(plan).slice(4)).toEqual([
      '',
      'Blocked (they would stay on the host):',
      '  shop-ledger-7a8b9c (shop/ledger): not relocatable',
      '',
      'Cost per hour: 0.0343/h → 0.0389/h',
    ]);
  });

  it('names the new host of a replacement, and says when nothing would move', () => {
    expect(drainPlanLines({ ...plan, with: 'h9' })[0]).toBe('Replacing h1 with h9 would move:');
    expect(
      drainPlanLines({ ...plan, moves: [], blocked: [], costPerHour: { before: 0, after: 0 } }),
    ).toEqual(['Draining h1 would move nothing.', '', 'Cost per hour: 0/h → 0/h']);
  });
});
