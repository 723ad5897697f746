/**
 * A connection URL (or a comma-separated list of them, as FEDERA_NATS_URL may be) as it may be
 * logged: whatever precedes `@` in each (a user and password, or a NATS token in the user's place)
 * is replaced by `***`, so that a log line can name the server without handing out its credentials.
 */
export function urlWithoutCredentials(url: string): string {
  return url.replace(/\/\/[^/\s,]*@/g, '//***@');
}
