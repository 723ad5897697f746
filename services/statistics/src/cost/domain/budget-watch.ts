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
 * Missing usage can only make a cost look lower, never higher: a measurement over the budget stands
 * whatever arrived, but one under it restores a breach only when `usageCurrent` says usage has been
 * coming in up to the end of the hour (else a pause in heartbeats would read as a saving).
 */
export function decideBudget(
  state: BudgetState,
  measurement: BudgetMeasurement,
  usageCurrent: boolean,
): BudgetEvent[] {
  const over = measurement.costPerHour > measurement.maxCostPerHour;
  if (over && !state.inBreach) return [{ type: 'BudgetExceeded', data: measurement }];
  if (!over && state.inBreach && usageCurrent)
    return [{ type: 'BudgetRestored', data: measurement }];
  return [];
}

/** How far behind the end of a measured hour the newest stored usage minute may be for it to count as current. */
export const usageCurrentWithinMs = 5 * 60_000;

/** Usage is current for a measurement ending at `to` when some minute was stored close enough before it. */
export function isUsageCurrent(newestMinute: number | null, to: number): boolean {
  return newestMinute !== null && newestMinute >= to - usageCurrentWithinMs;
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
