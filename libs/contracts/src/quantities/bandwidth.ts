import {
  NUMBER_AND_UNIT,
  quantityFailure,
  quantityOk,
  snapToInteger,
  trimDecimals,
  unwrapQuantity,
  type QuantityResult,
} from './quantity-result';

const EXPECTED = 'expected a bandwidth like 100Mbps, 10Gbps or 1Kbps';

/** Network rates are decimal (1 Kbps = 1000 bit/s); the prefix letter's case does not matter. */
const BANDWIDTH_UNITS: Record<string, number> = {
  '': 1,
  bps: 1,
  kbps: 1e3,
  mbps: 1e6,
  gbps: 1e9,
  tbps: 1e12,
};

const DISPLAY: Array<[string, number]> = [
  ['Tbps', 1e12],
  ['Gbps', 1e9],
  ['Mbps', 1e6],
  ['Kbps', 1e3],
];

/** `100Mbps` → 1e8, `1Kbps` → 1000 (bits per second); plain numbers are bits per second. */
export function parseBandwidth(input: unknown): QuantityResult {
  let bps: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return quantityFailure(EXPECTED, input);
    bps = input;
  } else if (typeof input === 'string') {
    const match = NUMBER_AND_UNIT.exec(input.trim());
    if (!match) return quantityFailure(EXPECTED, input);
    const [, amount, unit] = match;
    // `MBps` would be bytes per second: refusing it beats silently being off by a factor of 8.
    if (unit.endsWith('Bps')) {
      return quantityFailure(
        EXPECTED,
        input,
        `bandwidth is in bits per second (Mbps), not bytes (${unit})`,
      );
    }
    const factor = BANDWIDTH_UNITS[unit.toLowerCase()];
    if (factor === undefined)
      return quantityFailure(EXPECTED, input, `unknown bandwidth unit "${unit}"`);
    bps = Number(amount) * factor;
  } else {
    return quantityFailure(EXPECTED, input);
  }
  bps = Math.ceil(snapToInteger(bps));
  if (!Number.isSafeInteger(bps)) return quantityFailure(EXPECTED, input, 'bandwidth too large');
  return quantityOk(bps);
}

/** Bits per second of a bandwidth; throws QuantityError when it is not one. */
export function toBandwidthBps(input: unknown): number {
  return unwrapQuantity(parseBandwidth(input));
}

/** 1e8 → `100Mbps`, 1500 → `1.5Kbps`, 10 → `10bps` (decimal units, at most 2 decimals). */
export function formatBandwidth(bps: number): string {
  for (const [unit, factor] of DISPLAY) {
    if (bps >= factor) return `${trimDecimals(bps / factor)}${unit}`;
  }
  return `${bps}bps`;
}
