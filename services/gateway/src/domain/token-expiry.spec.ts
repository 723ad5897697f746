import { maxTokenLifetimeMs, tokenExpired, tokenExpiry } from './token-expiry';

const now = new Date('2030-01-01T00:00:00Z');

describe('token expiry', () => {
  it('never expires a token created without an expiry', () => {
    expect(tokenExpiry({}, now)).toEqual({ ok: true, expiresAt: null });
    expect(tokenExpired(null, now.getTime() + maxTokenLifetimeMs * 2)).toBe(false);
  });

  it('expires a token the given duration after its creation', () => {
    expect(tokenExpiry({ expiresIn: '30d' }, now)).toEqual({
      ok: true,
      expiresAt: new Date('2030-01-31T00:00:00Z'),
    });
    expect(tokenExpiry({ expiresIn: '1h30m' }, now)).toEqual({
      ok: true,
      expiresAt: new Date('2030-01-01T01:30:00Z'),
    });
  });

  it('expires a token at the given moment', () => {
    expect(tokenExpiry({ expiresAt: '2030-02-01T12:00:00+02:00' }, now)).toEqual({
      ok: true,
      expiresAt: new Date('2030-02-01T10:00:00Z'),
    });
  });

  it('refuses an unreadable duration, naming expiresIn', () => {
    expect(tokenExpiry({ expiresIn: 'a month' }, now)).toEqual({
      ok: false,
      errors: [{ path: 'expiresIn', reason: expect.stringContaining('"a month"') }],
    });
    expect(tokenExpiry({ expiresIn: '0s' }, now)).toMatchObject({
      ok: false,
      errors: [{ path: 'expiresIn', reason: 'must be longer than 0s' }],
    });
  });

  it('refuses a lifetime past ten years', () => {
    expect(tokenExpiry({ expiresIn: '3651d' }, now)).toMatchObject({
      ok: false,
      errors: [{ path: 'expiresIn' }],
    });
    expect(tokenExpiry({ expiresAt: '2045-01-01T00:00:00Z' }, now)).toMatchObject({
      ok: false,
      errors: [{ path: 'expiresAt' }],
    });
  });

  it('refuses a moment in the past or without a zone, naming expiresAt', () => {
    expect(tokenExpiry({ expiresAt: '2029-12-31T23:59:59Z' }, now)).toEqual({
      ok: false,
      errors: [{ path: 'expiresAt', reason: 'must be in the future' }],
    });
    expect(tokenExpiry({ expiresAt: '2030-02-01' }, now)).toMatchObject({
      ok: false,
      errors: [{ path: 'expiresAt' }],
    });
  });

  it('refuses both ways at once', () => {
    expect(tokenExpiry({ expiresIn: '1d', expiresAt: '2030-02-01T00:00:00Z' }, now)).toEqual({
      ok: false,
      errors: [{ path: 'expiresAt', reason: 'give expiresIn or expiresAt, not both' }],
    });
  });

  it('tells a token past its expiry from one before it', () => {
    const at = '2030-01-01T00:00:01Z';
    expect(tokenExpired(at, now.getTime())).toBe(false);
    expect(tokenExpired(at, Date.parse(at))).toBe(true);
  });
});
