import { ErrorCodes, FederaError } from '@federa/contracts';
import { sameToken } from '../../domain/api-token';

/** Methods that change nothing: a browser may follow a link or open a feed without a CSRF token. */
const safeMethods = ['GET', 'HEAD'];

/** The header a page sends its session's CSRF token in (a cookie cannot prove the page is ours). */
export const csrfHeader = 'x-csrf-token';

/**
 * Why a request authenticated by session cookie may not go on, or undefined when it may: any
 * change must carry the session's CSRF token in `X-CSRF-Token`. The browser adds the cookie to
 * every request to the gateway; only a page that read the token (ours, after signing in) can add
 * the header.
 */
export function csrfRefusal(
  method: string,
  header: string | string[] | undefined,
  csrfToken: string,
): FederaError | undefined {
  if (safeMethods.includes(method.toUpperCase())) return undefined;
  if (typeof header === 'string' && header !== '' && sameToken(header, csrfToken)) return undefined;
  return new FederaError(
    ErrorCodes.csrf,
    `${method} with a session cookie needs the header X-CSRF-Token: the csrfToken of POST /v1/session or GET /v1/session`,
  );
}
