import { IsMoneyRate } from '../quantities/quantity-decorators';

/** Placement refuses plans whose cost per hour would exceed the budget. */
export class BudgetSpec {
  @IsMoneyRate()
  maxCostPerHour: number;
}
