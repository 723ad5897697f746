import { formatMoney, parseMoneyRate } from './money';

describe('money rates', () => {
  it('accepts plain non-negative numbers', () => {
    expect(parseMoneyRate(2.5)).toEqual({ ok: true, value: 2.5 });
    expect(parseMoneyRate(0)).toEqual({ ok: true, value: 0 });
  });

  it.each([['2.5'], [-1], [Infinity], [null]])('refuses %j', (input) => {
    expect(parseMoneyRate(input)).toEqual({
      ok: false,
      error: expect.stringContaining('expected a money rate as a plain number'),
    });
  });

  it('formats cents, and keeps small rates readable', () => {
    expect(formatMoney(2.5)).toBe('2.50');
    expect(formatMoney(0.0042)).toBe('0.0042');
  });
});
