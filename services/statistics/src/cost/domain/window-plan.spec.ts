import { planWindow, planWindowCut } from './window-plan';

const t = (iso: string) => Date.parse(iso);
const show = (from: string, to: string) =>
  planWindow(t(from), t(to)).map((p) => [
    p.grain,
    new Date(p.from).toISOString(),
    new Date(p.to).toISOString(),
  ]);

describe('a cost window', () => {
  it('is read as minutes to the first whole hour, hours to the first whole day, days, then hours and minutes', () => {
    expect(show('2026-03-01T10:30:00Z', '2026-03-04T02:15:00Z')).toEqual([
      ['minute', '2026-03-01T10:30:00.000Z', '2026-03-01T11:00:00.000Z'],
      ['hour', '2026-03-01T11:00:00.000Z', '2026-03-02T00:00:00.000Z'],
      ['day', '2026-03-02T00:00:00.000Z', '2026-03-04T00:00:00.000Z'],
      ['hour', '2026-03-04T00:00:00.000Z', '2026-03-04T02:00:00.000Z'],
      ['minute', '2026-03-04T02:00:00.000Z', '2026-03-04T02:15:00.000Z'],
    ]);
  });

  it('within one hour is read from minutes alone', () => {
    expect(show('2026-03-01T10:30:00Z', '2026-03-01T10:45:00Z')).toEqual([
      ['minute', '2026-03-01T10:30:00.000Z', '2026-03-01T10:45:00.000Z'],
    ]);
  });

  it('on whole days is read from days alone, seconds dropped to the minute', () => {
    expect(show('2026-03-01T00:00:20Z', '2026-03-31T00:00:59Z')).toEqual([
      ['day', '2026-03-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
    ]);
  });

  it('that is empty or reversed reads nothing', () => {
    expect(show('2026-03-01T10:00:00Z', '2026-03-01T10:00:30Z')).toEqual([]);
    expect(show('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')).toEqual([]);
  });

  it('covers every minute of the window exactly once', () => {
    const from = t('2026-02-27T23:59:00Z');
    const to = t('2026-03-02T00:01:00Z');
    const pieces = planWindow(from, to);
    for (let i = 1; i < pieces.length; i++) expect(pieces[i].from).toBe(pieces[i - 1].to);
    expect(pieces[0].from).toBe(from);
    expect(pieces[pieces.length - 1].to).toBe(to);
  });
});

describe('a cost window cut where rates change', () => {
  const cut = (from: string, to: string, cuts: string[]) =>
    planWindowCut(t(from), t(to), cuts.map(t)).map((p) => [
      p.grain,
      new Date(p.from).toISOString(),
      new Date(p.to).toISOString(),
    ]);

  it('reads the hour of a change from minutes, and the rest of its day from hours', () => {
    expect(cut('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', ['2026-03-01T10:20:30Z'])).toEqual([
      ['hour', '2026-03-01T00:00:00.000Z', '2026-03-01T10:00:00.000Z'],
      ['minute', '2026-03-01T10:00:00.000Z', '2026-03-01T10:21:00.000Z'],
      ['minute', '2026-03-01T10:21:00.000Z', '2026-03-01T11:00:00.000Z'],
      ['hour', '2026-03-01T11:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ]);
  });

  it('plans as without cuts when no change falls inside the window', () => {
    expect(cut('2026-03-01T10:30:00Z', '2026-03-04T02:15:00Z', ['2026-03-05T00:00:00Z'])).toEqual(
      show('2026-03-01T10:30:00Z', '2026-03-04T02:15:00Z'),
    );
  });
});
