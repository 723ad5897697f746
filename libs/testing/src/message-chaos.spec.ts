import { checkRates, drawFate, seededRandom, type ChaosRates } from './message-chaos';

const rates: ChaosRates = { drop: 0.1, duplicate: 0.1, delay: 0.2, maxDelayMs: 2000, reorder: 0.1 };

describe('message chaos', () => {
  it('draws the same fates again from the same seed, so that a failing run can be replayed', () => {
    const fates = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => drawFate(random, rates));
    };
    expect(fates(42)).toEqual(fates(42));
    expect(fates(42)).not.toEqual(fates(43));
  });

  it('drops, duplicates, delays and reorders about as often as the rates say', () => {
    const random = seededRandom(7);
    const fates = Array.from({ length: 10_000 }, () => drawFate(random, rates));
    const share = (match: (f: (typeof fates)[number]) => boolean) =>
      fates.filter(match).length / fates.length;
    expect(share((f) => f.kind === 'drop')).toBeCloseTo(0.1, 1);
    expect(share((f) => f.kind === 'send' && f.copies === 2)).toBeCloseTo(0.09, 1);
    expect(share((f) => f.kind === 'send' && f.delayMs > 0)).toBeCloseTo(0.18, 1);
    expect(share((f) => f.kind === 'send' && f.afterNext)).toBeCloseTo(0.09, 1);
    const delays = fates.map((f) => (f.kind === 'send' ? f.delayMs : 0));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
    expect(Math.max(...delays)).toBeGreaterThan(1500);
  });

  it('leaves every message alone when every rate is 0', () => {
    const random = seededRandom(1);
    const off = { drop: 0, duplicate: 0, delay: 0, maxDelayMs: 2000, reorder: 0 };
    for (let i = 0; i < 100; i++)
      expect(drawFate(random, off)).toEqual({
        kind: 'send',
        copies: 1,
        delayMs: 0,
        afterNext: false,
      });
  });

  it('refuses a rate outside 0..1 or a negative delay, naming the field', () => {
    expect(() => checkRates({ ...rates, duplicate: 1.5 })).toThrow(
      'duplicate: must be a share from 0 to 1',
    );
    expect(() => checkRates({ ...rates, maxDelayMs: -1 })).toThrow('maxDelayMs: must be 0 or more');
  });
});
