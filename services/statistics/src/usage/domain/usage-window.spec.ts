import { usageWindow } from './usage-window';

const now = Date.parse('2026-03-15T12:30:20.000Z');
const hour = 3_600_000;
const day = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

describe('usageWindow', () => {
  it('defaults to the last hour up to now', () => {
    expect(usageWindow({}, now, 14)).toEqual({ ok: true, window: { from: now - hour, to: now } });
  });

  it('defaults from to an hour before the to asked', () => {
    const to = now - day;
    expect(usageWindow({ to: iso(to) }, now, 14)).toEqual({
      ok: true,
      window: { from: to - hour, to },
    });
  });

  it('refuses a from at or after to, naming from', () => {
    for (const from of [now - hour, now - 2 * hour]) {
      const check = usageWindow({ from: iso(from), to: iso(now - 2 * hour) }, now, 14);
      expect(check).toEqual({
        ok: false,
        errors: [{ path: 'from', reason: 'must be before to' }],
      });
    }
  });

  it('refuses a from in the future even with a later to', () => {
    const check = usageWindow({ from: iso(now + hour), to: iso(now + 2 * hour) }, now, 14);
    expect(check).toEqual({
      ok: false,
      errors: [{ path: 'from', reason: 'must not be in the future' }],
    });
  });

  it('names to when only the default from, an hour before it, would be in the future', () => {
    const check = usageWindow({ to: iso(now + 2 * hour) }, now, 14);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.map((e) => e.path)).toEqual(['to']);
  });

  it('refuses a to at or before the oldest minute kept, saying when that is', () => {
    const check = usageWindow({ from: iso(now - 20 * day), to: iso(now - 15 * day) }, now, 14);
    expect(check).toEqual({
      ok: false,
      errors: [
        {
          path: 'to',
          reason:
            'must be after the oldest minute kept, 2026-03-01T12:30:00.000Z (minutes are kept 14 days)',
        },
      ],
    });
  });

  it('refuses a window longer than the minutes kept, saying the longest window', () => {
    const check = usageWindow({ from: iso(now - 14 * day - hour), to: iso(now) }, now, 14);
    expect(check).toEqual({
      ok: false,
      errors: [
        {
          path: 'from',
          reason: 'window longer than the 14 days minutes are kept: the longest window is 14 days',
        },
      ],
    });
  });

  it('refuses a long window that runs into the future, not only one in the past', () => {
    const check = usageWindow({ from: iso(now - hour), to: iso(now + 2 * day) }, now, 1);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors[0].reason).toContain('the longest window is 1 day');
  });

  it('accepts a window exactly as long as the minutes kept', () => {
    const check = usageWindow({ from: iso(now - 2 * day), to: iso(now) }, now, 2);
    expect(check.ok).toBe(true);
  });

  it('starts a window that begins before the minutes kept at the oldest minute kept', () => {
    const oldest = Date.parse('2026-03-13T12:30:00.000Z');
    const check = usageWindow({ from: iso(now - 2 * day - hour), to: iso(now - hour) }, now, 2);
    expect(check).toEqual({ ok: true, window: { from: oldest, to: now - hour } });
  });

  it('reports every fault of a window at once', () => {
    const check = usageWindow({ from: iso(now + day), to: iso(now - 30 * day) }, now, 14);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.map((e) => e.path)).toEqual(['from', 'from', 'to']);
  });
});
