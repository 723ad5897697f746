import fc from 'fast-check';
import { formatBytes, parseBytes, toBytes } from './bytes';

describe('byte quantities', () => {
  it.each([
    ['128Mi', 128 * 1024 ** 2],
    ['20Gi', 20 * 1024 ** 3],
    ['2Ti', 2 * 1024 ** 4],
    ['4Ki', 4096],
    ['1G', 1e9],
    ['1k', 1000],
    ['3M', 3e6],
    ['500', 500],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['1GiB', 1024 ** 3],
    ['500B', 500],
    [500, 500],
    [0, 0],
  ])('reads %j as %d bytes', (input, bytes) => {
    expect(parseBytes(input)).toEqual({ ok: true, value: bytes });
  });

  it('rounds a fraction of a byte up', () => {
    expect(toBytes('1.3Ki')).toBe(1332);
  });

  it.each([
    ['12 apples'],
    ['Gi'],
    ['1gi'],
    ['-5Mi'],
    ['1.2.3G'],
    [''],
    [-1],
    [Infinity],
    [null],
    [[1]],
  ])('refuses %j with a reason that shows the expected form', (input) => {
    const result = parseBytes(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('expected a byte quantity like 128Mi');
  });

  it('names the unit it does not know', () => {
    expect(parseBytes('3Xi')).toEqual({
      ok: false,
      error: expect.stringContaining('unknown byte unit "Xi"'),
    });
  });

  it('formats with binary units and at most two decimals', () => {
    expect(formatBytes(128 * 1024 ** 2)).toBe('128Mi');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5Gi');
    expect(formatBytes(500)).toBe('500B');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2Ti');
  });

  it('reads back what it formats to within the two displayed decimals', () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat().map((n) => Math.floor(n / 2)),
        (bytes) => {
          const back = toBytes(formatBytes(bytes));
          expect(Math.abs(back - bytes)).toBeLessThanOrEqual(Math.max(1, bytes * 0.005));
        },
      ),
    );
  });

  it('reads back exactly any whole number of a binary unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1023 }), fc.integer({ min: 1, max: 4 }), (n, power) => {
        const bytes = n * 1024 ** power;
        expect(toBytes(formatBytes(bytes))).toBe(bytes);
      }),
    );
  });
});
