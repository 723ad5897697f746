import { isoTimeFlag, windowStartFlag } from './time-flag';

describe('time flags', () => {
  it('takes an ISO 8601 date, or a date and time with its zone, as that instant in UTC', () => {
    expect(isoTimeFlag('--to', '2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(isoTimeFlag('--to', '2026-03-01T10:00Z')).toBe('2026-03-01T10:00:00.000Z');
    expect(isoTimeFlag('--to', '2026-03-01T10:00:00.250+02:00')).toBe('2026-03-01T08:00:00.250Z');
  });

  it.each(['5', '2026', 'March 1 2026', '2026-03-01 10:00', '2026-03-01T10:00:00', '2026-02-30'])(
    'refuses "%s" as a time, naming the flag',
    (text) => {
      expect(() => isoTimeFlag('--to', text)).toThrow(/--to.*ISO 8601/);
    },
  );

  it('reads a start without "-" that begins with a digit as a duration back from the end', () => {
    expect(windowStartFlag('--from', '6h', '2026-03-01T12:00:00Z', 0)).toBe(
      '2026-03-01T06:00:00.000Z',
    );
    expect(windowStartFlag('--from', '1d', undefined, Date.parse('2026-03-02T00:00:00Z'))).toBe(
      '2026-03-01T00:00:00.000Z',
    );
    expect(() => windowStartFlag('--from', '5', undefined, 0)).toThrow(/--from/);
    expect(() => windowStartFlag('--from', 'yesterday', undefined, 0)).toThrow(/--from/);
  });
});
