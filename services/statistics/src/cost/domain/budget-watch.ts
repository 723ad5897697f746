/** What a service's budget stream says: in breach or not, and its version for the next append. */
export interface BudgetState {
  inBreach: boolean;
  /** Version of the last event in `budget-<service>`; 0 when empty. */
  version: number;
}

export const noBudgetHistory: BudgetState = { inBreach: false, version: 0 };

/** One measurement: the service's cost over the hour [from, to) against its budget. */
export interface BudgetMeasurement {
  service: string;
  maxCostPerHour: number;
  costPerHour: number;
  from: string;
  to: string;
}

export type BudgetEvent =
  | { type: 'BudgetExceeded'; data: BudgetMeasurement }
  | { type: 'BudgetRestored'; data: BudgetMeasurement };

/**
 * BudgetExceeded when the cost goes above the budget, BudgetRestored when it comes back to it or
 * under, nothing while it stays on the same side: one event per breach, however long it lasts.
 */
export function decideBudget(state: BudgetState, measurement: BudgetMeasurement): BudgetEvent[] {
  const over = measurement.costPerHour > measurement.maxCostPerHour;
  if (over && !state.inBreach) return [{ type: 'BudgetExceeded', data: measurement }];
  if (!over && state.inBreach) return [{ type: 'BudgetRestored', data: measurement }];
  return [];
}

export function evolveBudget(state: BudgetState, event: { type: string }): BudgetState {
  switch (event.type) {
    case 'BudgetExceeded':
      return { inBreach: true, version: state.version + 1 };
    case 'BudgetRestored':
      return { inBreach: false, version: state.version + 1 };
    default:
      return { ...state, version: state.version + 1 };
  }
}
