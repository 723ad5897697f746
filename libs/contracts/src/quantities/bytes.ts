import {
  NUMBER_AND_UNIT,
  quantityFailure,
  quantityOk,
  snapToInteger,
  trimDecimals,
  unwrapQuantity,
  type QuantityResult,
} from './quantity-result';

const EXPECTED = 'expected a byte quantity like 128Mi, 20Gi, 1G or 500';

const KI = 1024;
/** Binary units (Ki, Mi, …) and decimal units (k, M, …) as Kubernetes writes them; a trailing `B` is allowed. */
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: KI,
  Mi: KI ** 2,
  Gi: KI ** 3,
  Ti: KI ** 4,
  Pi: KI ** 5,
};

const BINARY_DISPLAY: Array<[string, number]> = [
  ['Pi', KI ** 5],
  ['Ti', KI ** 4],
  ['Gi', KI ** 3],
  ['Mi', KI ** 2],
  ['Ki', KI],
];

/** `128Mi` → 134217728, `1G` → 1e9, `500` → 500 (bytes). Fractions round up to a whole byte. */
export function parseBytes(input: unknown): QuantityResult {
  let bytes: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return quantityFailure(EXPECTED, input);
    bytes = input;
  } else if (typeof input === 'string') {
    const match = NUMBER_AND_UNIT.exec(input.trim());
    if (!match) return quantityFailure(EXPECTED, input);
    const [, amount, written] = match;
    const unit = written.endsWith('B') ? written.slice(0, -1) : written;
    const factor = BYTE_UNITS[unit];
    if (factor === undefined) {
      return quantityFailure(
        EXPECTED,
        input,
        `unknown byte unit "${written}" (use Ki, Mi, Gi, Ti or k, M, G, T)`,
      );
    }
    bytes = Number(amount) * factor;
  } else {
    return quantityFailure(EXPECTED, input);
  }
  bytes = Math.ceil(snapToInteger(bytes));
  if (!Number.isSafeInteger(bytes))
    return quantityFailure(EXPECTED, input, 'byte quantity too large');
  return quantityOk(bytes);
}

/** Bytes of a byte quantity; throws QuantityError when it is not one. */
export function toBytes(input: unknown): number {
  return unwrapQuantity(parseBytes(input));
}

/** 134217728 → `128Mi`, 1610612736 → `1.5Gi`, 500 → `500B` (binary units, at most 2 decimals). */
export function formatBytes(bytes: number): string {
  for (const [unit, factor] of BINARY_DISPLAY) {
    if (bytes >= factor) return `${trimDecimals(bytes / factor)}${unit}`;
  }
  return `${bytes}B`;
}
