import { sessionExpiry, sessionRefusal } from './session-lifetime';

const now = new Date('2026-12-07T12:00:00.000Z');
const hour = 3600_000;

describe('sessionExpiry', () => {
  it('ends a session of a token that never expires after its lifetime', () => {
    expect(sessionExpiry(now, 8 * hour, null).toISOString()).toBe('2026-12-07T20:00:00.000Z');
  });

  it('ends a session when its token expires, if that comes first', () => {
    expect(sessionExpiry(now, 8 * hour, '2026-12-07T13:00:00.000Z').toISOString()).toBe(
      '2026-12-07T13:00:00.000Z',
    );
  });

  it('keeps the lifetime when the token outlives it', () => {
    expect(sessionExpiry(now, hour, '2027-01-01T00:00:00.000Z').toISOString()).toBe(
      '2026-12-07T13:00:00.000Z',
    );
  });
});

describe('sessionRefusal', () => {
  it('accepts a session before its end', () => {
    expect(
      sessionRefusal({ expiresAt: '2026-12-07T13:00:00.000Z' }, now.getTime()),
    ).toBeUndefined();
  });

  it('refuses an expired session with 401, saying so', () => {
    const refusal = sessionRefusal({ expiresAt: '2026-12-07T11:59:59.000Z' }, now.getTime());
    expect(refusal?.code).toBe('unauthorized');
    expect(refusal?.message).toContain('session expired');
  });

  it('refuses a session that is gone with 401', () => {
    expect(sessionRefusal(undefined, now.getTime())?.code).toBe('unauthorized');
  });
});
