import {
  decideBudget,
  evolveBudget,
  isUsageCurrent,
  noBudgetHistory,
  type BudgetMeasurement,
  type BudgetState,
} from './budget-watch';

const measured = (costPerHour: number): BudgetMeasurement => ({
  service: 'shop',
  maxCostPerHour: 2.5,
  costPerHour,
  from: '2026-03-01T10:00:00.000Z',
  to: '2026-03-01T11:00:00.000Z',
});

const run = (costs: number[]) => {
  let state: BudgetState = noBudgetHistory;
  const types: string[] = [];
  for (const cost of costs) {
    for (const event of decideBudget(state, measured(cost), true)) {
      types.push(event.type);
      state = evolveBudget(state, event);
    }
  }
  return { types, state };
};

describe('a service budget', () => {
  it('is exceeded once per breach however many measurements stay above it', () => {
    expect(run([2, 3, 3.5, 4]).types).toEqual(['BudgetExceeded']);
  });

  it('is exceeded again only after the cost came back to the budget or under', () => {
    const { types, state } = run([3, 3, 2.5, 2, 3]);
    expect(types).toEqual(['BudgetExceeded', 'BudgetRestored', 'BudgetExceeded']);
    expect(state).toEqual({ inBreach: true, version: 3 });
  });

  it('at exactly its maximum is not exceeded', () => {
    expect(run([2.5]).types).toEqual([]);
  });

  it('carries the measurement that breached it', () => {
    expect(decideBudget(noBudgetHistory, measured(3), true)).toEqual([
      { type: 'BudgetExceeded', data: measured(3) },
    ]);
  });

  it('stays exceeded while usage has stopped coming in, however low the cost then looks', () => {
    const inBreach: BudgetState = { inBreach: true, version: 1 };
    expect(decideBudget(inBreach, measured(0), false)).toEqual([]);
    expect(decideBudget(inBreach, measured(0), true).map((e) => e.type)).toEqual([
      'BudgetRestored',
    ]);
  });

  it('is exceeded on a cost over it even while usage is not current, since missing usage only lowers a cost', () => {
    expect(decideBudget(noBudgetHistory, measured(3), false).map((e) => e.type)).toEqual([
      'BudgetExceeded',
    ]);
  });

  it("counts usage as current only when a minute was stored within five minutes of the hour's end", () => {
    const to = Date.parse('2026-03-01T11:00:00.000Z');
    expect(isUsageCurrent(null, to)).toBe(false);
    expect(isUsageCurrent(to - 6 * 60_000, to)).toBe(false);
    expect(isUsageCurrent(to - 5 * 60_000, to)).toBe(true);
    expect(isUsageCurrent(to - 60_000, to)).toBe(true);
  });
});
