import {
  clearedSessionCookie,
  sessionCookie,
  sessionCookieName,
  sessionIdOfCookies,
} from './session-cookie';

describe('the session cookie', () => {
  it('is found among the other cookies of a request', () => {
    expect(sessionIdOfCookies(`theme=dark; ${sessionCookieName}=abc_123; lang=en`)).toBe('abc_123');
  });

  it('is absent from a request without cookies or without this one', () => {
    expect(sessionIdOfCookies(undefined)).toBeUndefined();
    expect(sessionIdOfCookies('theme=dark')).toBeUndefined();
    expect(sessionIdOfCookies(`${sessionCookieName}=`)).toBeUndefined();
  });

  it('is set HttpOnly, SameSite=Strict, for the whole site, until the session ends', () => {
    const value = sessionCookie('abc', new Date('2030-01-01T00:00:00Z'), false);
    expect(value).toBe(
      `${sessionCookieName}=abc; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; SameSite=Strict`,
    );
  });

  it('is marked Secure when asked to be', () => {
    expect(sessionCookie('abc', new Date(), true)).toContain('; Secure');
    expect(clearedSessionCookie(true)).toContain('; Secure');
  });

  it('is cleared with an empty value that has already expired', () => {
    expect(clearedSessionCookie(false)).toMatch(
      new RegExp(`^${sessionCookieName}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`),
    );
  });
});
