/** What every quantity parser answers: the number in base units, or a reason a person can act on. */
export type QuantityResult = { ok: true; value: number } | { ok: false; error: string };

/** Thrown by the `to…` forms of the parsers, for code that has already validated its input. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

export function quantityOk(value: number): QuantityResult {
  return { ok: true, value };
}

export function quantityFailure(expected: string, input: unknown, detail?: string): QuantityResult {
  const got = describeInput(input);
  return {
    ok: false,
    error: detail ? `${detail} (${expected}), got ${got}` : `${expected}, got ${got}`,
  };
}

/** Unwraps a result or throws QuantityError with its reason. */
export function unwrapQuantity(result: QuantityResult): number {
  if (!result.ok) throw new QuantityError(result.error);
  return result.value;
}

/** A decimal number with an optional unit, e.g. `1.5Gi`, `500m`, `10 Gbps`. */
export const NUMBER_AND_UNIT = /^(\d+(?:\.\d+)?|\.\d+)\s?([A-Za-z/]*)$/;

/** Rounds away the binary floating-point noise of `1.005 * 1000`, but keeps real fractions. */
export function snapToInteger(value: number): number {
  const nearest = Math.round(value);
  return Math.abs(value - nearest) < 1e-6 ? nearest : value;
}

/** Trims `1.50` to `1.5` and `2.00` to `2`, keeping at most `digits` decimals. */
export function trimDecimals(value: number, digits = 2): string {
  return String(Number(value.toFixed(digits)));
}

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  try {
    return JSON.stringify(input) ?? String(input);
  } catch {
    return String(input);
  }
}
