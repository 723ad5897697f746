import fc from 'fast-check';
import { formatBandwidth, parseBandwidth, toBandwidthBps } from './bandwidth';

describe('bandwidth quantities', () => {
  it.each([
    ['100Mbps', 1e8],
    ['10Gbps', 1e10],
    ['1Kbps', 1000],
    ['1kbps', 1000],
    ['2.5Gbps', 2.5e9],
    ['800bps', 800],
    ['800', 800],
    [1e6, 1e6],
  ])('reads %j as %d bits per second', (input, bps) => {
    expect(parseBandwidth(input)).toEqual({ ok: true, value: bps });
  });

  it('refuses bytes per second rather than silently misreading them by a factor of 8', () => {
    expect(parseBandwidth('100MBps')).toEqual({
      ok: false,
      error: expect.stringContaining('bits per second (Mbps), not bytes (MBps)'),
    });
  });

  it.each([['fast'], ['100Mb'], ['100 Mbit'], ['-1Gbps'], [''], [false], [NaN]])(
    'refuses %j with a reason that shows the expected form',
    (input) => {
      const result = parseBandwidth(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toContain('expected a bandwidth like 100Mbps');
    },
  );

  it('formats with decimal units', () => {
    expect(formatBandwidth(1e8)).toBe('100Mbps');
    expect(formatBandwidth(1e10)).toBe('10Gbps');
    expect(formatBandwidth(1500)).toBe('1.5Kbps');
    expect(formatBandwidth(10)).toBe('10bps');
  });

  it('reads back what it formats to within the two displayed decimals', () => {
    fc.assert(
      fc.property(
        fc.maxSafeNat().map((n) => Math.floor(n / 2)),
        (bps) => {
          const back = toBandwidthBps(formatBandwidth(bps));
          expect(Math.abs(back - bps)).toBeLessThanOrEqual(Math.max(1, bps * 0.005));
        },
      ),
    );
  });
});
