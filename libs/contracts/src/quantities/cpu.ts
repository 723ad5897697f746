import {
  NUMBER_AND_UNIT,
  quantityFailure,
  quantityOk,
  snapToInteger,
  unwrapQuantity,
  type QuantityResult,
} from './quantity-result';

const EXPECTED = 'expected a cpu quantity like 500m, 2 or 0.5';

/** `500m` → 500, `2` → 2000, `0.5` → 500 (millicores); numbers are cores. Finer than 1m is refused. */
export function parseCpu(input: unknown): QuantityResult {
  let millis: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return quantityFailure(EXPECTED, input);
    millis = input * 1000;
  } else if (typeof input === 'string') {
    const match = NUMBER_AND_UNIT.exec(input.trim());
    if (!match) return quantityFailure(EXPECTED, input);
    const [, amount, unit] = match;
    if (unit !== '' && unit !== 'm')
      return quantityFailure(EXPECTED, input, `unknown cpu unit "${unit}"`);
    millis = unit === 'm' ? Number(amount) : Number(amount) * 1000;
  } else {
    return quantityFailure(EXPECTED, input);
  }
  millis = snapToInteger(millis);
  if (!Number.isInteger(millis)) return quantityFailure(EXPECTED, input, 'cpu finer than 1m');
  if (!Number.isSafeInteger(millis)) return quantityFailure(EXPECTED, input, 'cpu too large');
  return quantityOk(millis);
}

/** Millicores of a cpu quantity; throws QuantityError when it is not one. */
export function toCpuMillis(input: unknown): number {
  return unwrapQuantity(parseCpu(input));
}

/** 500 → `500m`, 2000 → `2`, 1500 → `1.5`: what parseCpu reads back to the same number. */
export function formatCpu(millis: number): string {
  if (millis === 0) return '0';
  if (millis < 1000) return `${millis}m`;
  return String(millis / 1000);
}
