import fc from 'fast-check';
import { checkDeciderAgainstModel, type DeciderModel } from '@federa/testing';
import {
  decideBudget,
  evolveBudget,
  noBudgetHistory,
  type BudgetEvent,
  type BudgetMeasurement,
  type BudgetState,
} from './budget-watch';

/** One hour measured, and whether usage had come in up to its end. */
interface Measured {
  measurement: BudgetMeasurement;
  usageCurrent: boolean;
}

/** The budget watch in the event store's decider shape: one `budget-<service>` stream. */
const budgetDecider = {
  initialState: () => noBudgetHistory,
  evolve: evolveBudget,
  decide: (command: Measured, state: BudgetState): BudgetEvent[] =>
    decideBudget(state, command.measurement, command.usageCurrent),
};

/**
 * A budget as docs/adr/cost-and-budgets.md tells it, written without the decider: in breach from a
 * cost above the budget until one at or under it with usage current; the version counts the events.
 */
const model: DeciderModel<BudgetState, BudgetState, Measured, BudgetEvent> = {
  initial: () => ({ inBreach: false, version: 0 }),
  next: (m, { measurement, usageCurrent }) => {
    const over = measurement.costPerHour > measurement.maxCostPerHour;
    // Missing usage only makes a cost look lower: it never ends a breach.
    const inBreach = over || (m.inBreach && !usageCurrent);
    return {
      refused: false,
      model: inBreach === m.inBreach ? m : { inBreach, version: m.version + 1 },
    };
  },
  view: (state) => state,
  isRefusal: () => false,
  invariants: (state, events, before) => {
    // One event per breach and one per return: the stream alternates, beginning with a breach.
    for (const event of events) {
      expect(event.type).toBe(before.inBreach ? 'BudgetRestored' : 'BudgetExceeded');
    }
    expect(state.version).toBe(before.version + events.length);
  },
};

const measured = fc
  .record({
    maxCostPerHour: fc.constantFrom(0, 1, 2.5),
    costPerHour: fc.constantFrom(0, 0.5, 1, 2.5, 3),
    usageCurrent: fc.boolean(),
  })
  .map(({ usageCurrent, ...costs }): Measured => ({
    usageCurrent,
    measurement: {
      service: 'shop',
      ...costs,
      from: '2026-01-01T10:00:00.000Z',
      to: '2026-01-01T11:00:00.000Z',
    },
  }));

describe('the budget watch, against a model of a budget', () => {
  it('agrees with the model after every measurement, and keeps the stream whole', () => {
    fc.assert(
      fc.property(fc.array(measured, { maxLength: 30, size: 'max' }), (commands) =>
        checkDeciderAgainstModel(budgetDecider, model, commands),
      ),
      { numRuns: 200 },
    );
  });
});
