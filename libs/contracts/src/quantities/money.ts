import {
  quantityFailure,
  quantityOk,
  unwrapQuantity,
  type QuantityResult,
} from './quantity-result';

const EXPECTED = 'expected a money rate as a plain number like 2.5';

/** Money rates (cost per hour, per GiB, …) are plain non-negative numbers in the fleet's currency. */
export function parseMoneyRate(input: unknown): QuantityResult {
  if (typeof input !== 'number' || !Number.isFinite(input) || input < 0) {
    return quantityFailure(EXPECTED, input);
  }
  return quantityOk(input);
}

/** The rate itself; throws QuantityError when it is not a non-negative number. */
export function toMoneyRate(input: unknown): number {
  return unwrapQuantity(parseMoneyRate(input));
}

/** 2.5 → `2.50`, 0.0042 → `0.0042`: two decimals, more when the rate is smaller than a cent. */
export function formatMoney(amount: number): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) return String(Number(amount.toPrecision(2)));
  return amount.toFixed(2);
}
