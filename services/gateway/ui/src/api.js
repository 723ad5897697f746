/* global document */
/**
 * The gateway's API as the page calls it: the session cookie authenticates every request (the
 * browser sends it; the page never holds the API token after sign-in), and the session's CSRF
 * token, kept in memory only, goes with every change.
 */
let csrfToken;
/** Called when a call is refused for want of a session (it ended, expired or was revoked). */
let sessionEnded = () => undefined;
export function onSessionEnded(callback) {
  sessionEnded = callback;
}

/** A failed call: the API's error code and sentence, or the HTTP status when it gave none. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = json && json.error;
    if (response.status === 401 && !path.startsWith('/v1/session')) {
      csrfToken = undefined;
      sessionEnded();
    }
    throw new ApiError(
      response.status,
      error ? error.code : String(response.status),
      error ? error.message : `${response.status} ${response.statusText}`,
    );
  }
  return json;
}

/** Exchanges the API token for the session cookie; answers { actor, role, csrfToken, expiresAt }. */
export async function signIn(token) {
  const session = await call('POST', '/v1/session', { token });
  csrfToken = session.csrfToken;
  return session;
}

/** The cookie's session (after a reload), or null when there is none. */
export async function currentSession() {
  try {
    const session = await call('GET', '/v1/session');
    csrfToken = session.csrfToken;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signOut() {
  await call('DELETE', '/v1/session').catch(() => undefined);
  csrfToken = undefined;
  document.title = 'Federa';
}

export const getJson = (path) => call('GET', path);
export const postJson = (path, body) => call('POST', path, body);
