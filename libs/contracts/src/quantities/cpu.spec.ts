import fc from 'fast-check';
import { formatCpu, parseCpu, toCpuMillis } from './cpu';
import { QuantityError } from './quantity-result';

describe('cpu quantities', () => {
  it.each([
    ['500m', 500],
    ['2', 2000],
    ['0.5', 500],
    ['.25', 250],
    ['1.005', 1005],
    ['0m', 0],
    [' 250m ', 250],
    [2, 2000],
    [0.5, 500],
  ])('reads %j as %d millicores', (input, millis) => {
    expect(parseCpu(input)).toEqual({ ok: true, value: millis });
  });

  it.each([
    ['500 cores'],
    ['2k'],
    ['-1'],
    ['m'],
    [''],
    ['1e3'],
    [-2],
    [Number.NaN],
    [null],
    [true],
    [{}],
  ])('refuses %j with a reason that shows the expected form', (input) => {
    const result = parseCpu(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('expected a cpu quantity like 500m');
  });

  it('refuses a precision finer than one millicore', () => {
    const result = parseCpu('0.0005');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('finer than 1m') });
  });

  it('throws a QuantityError from toCpuMillis on bad input', () => {
    expect(() => toCpuMillis('lots')).toThrow(QuantityError);
    expect(toCpuMillis('250m')).toBe(250);
  });

  it('formats millicores as people write them', () => {
    expect(formatCpu(0)).toBe('0');
    expect(formatCpu(500)).toBe('500m');
    expect(formatCpu(2000)).toBe('2');
    expect(formatCpu(1500)).toBe('1.5');
  });

  it('reads back exactly what it formats, for any whole number of millicores', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (millis) => {
        expect(parseCpu(formatCpu(millis))).toEqual({ ok: true, value: millis });
      }),
    );
  });
});
