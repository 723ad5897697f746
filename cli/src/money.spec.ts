import { money } from './money';

describe('money', () => {
  it('shows two decimals, and four when a small non-zero amount would read as nothing', () => {
    expect(money(1.5)).toBe('1.50');
    expect(money(0)).toBe('0.00');
    expect(money(0.004)).toBe('0.0040');
    expect(money(-0.004)).toBe('-0.0040');
  });
});
