/**
 * What happens to one message under chaos, decided by a seeded random so that a failing run can be
 * replayed with its seed. Pure: the proxy that applies the fate does the I/O.
 */

/** How often each fault hits a message (each 0..1, drawn independently), and how long a delay lasts. */
export interface ChaosRates {
  drop: number;
  duplicate: number;
  /** Share of messages held back a random time up to `maxDelayMs`. */
  delay: number;
  maxDelayMs: number;
  /** Share of messages held until the next message of their direction has gone by. */
  reorder: number;
}

/** A message is either dropped, or sent once or twice, after a delay, perhaps after the next one. */
export type MessageFate =
  { kind: 'drop' } | { kind: 'send'; copies: 1 | 2; delayMs: number; afterNext: boolean };

/** A random in [0, 1) from a 32-bit seed (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws one message's fate: always four draws, so that one message's fate never shifts the next's. */
export function drawFate(random: () => number, rates: ChaosRates): MessageFate {
  const [drop, duplicate, delay, reorder] = [random(), random(), random(), random()];
  if (drop < rates.drop) return { kind: 'drop' };
  return {
    kind: 'send',
    copies: duplicate < rates.duplicate ? 2 : 1,
    delayMs: delay < rates.delay ? Math.floor((delay / rates.delay) * rates.maxDelayMs) : 0,
    afterNext: reorder < rates.reorder,
  };
}

/** Refuses rates that are not shares of 0..1 or a negative delay, naming the field. */
export function checkRates(rates: ChaosRates): ChaosRates {
  for (const field of ['drop', 'duplicate', 'delay', 'reorder'] as const) {
    const value = rates[field];
    if (!(value >= 0 && value <= 1)) throw new Error(`${field}: must be a share from 0 to 1`);
  }
  if (!(rates.maxDelayMs >= 0)) throw new Error('maxDelayMs: must be 0 or more');
  return rates;
}
