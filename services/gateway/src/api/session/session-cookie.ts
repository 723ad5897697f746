import { parse, serialize } from 'cookie';

/** The cookie that carries a browser session's id. */
export const sessionCookieName = 'federa_session';

/** The session id in a request's `Cookie` header, if it carries one. */
export function sessionIdOfCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const id = parse(header)[sessionCookieName];
  return id ? id : undefined;
}

/**
 * The `Set-Cookie` value that opens a session: unreadable by scripts (HttpOnly), never sent by
 * another site's page (SameSite=Strict, so a forged form or image carries no session), and dropped
 * by the browser when the session ends anyway.
 */
export function sessionCookie(id: string, expiresAt: Date, secure: boolean): string {
  return serialize(sessionCookieName, id, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure,
    expires: expiresAt,
  });
}

/** The `Set-Cookie` value that makes the browser forget its session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return serialize(sessionCookieName, '', {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure,
    expires: new Date(0),
  });
}
