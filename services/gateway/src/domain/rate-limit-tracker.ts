/** Who a request is counted against, as far as the rate limit knows them. */
export interface RateLimitCaller {
  /** The authenticated token's id; absent for FEDERA_API_TOKEN and for no token. */
  tokenId?: string;
  /** The authenticated token's name (`admin` for FEDERA_API_TOKEN); absent for no token. */
  name?: string;
  /** The client's address, for requests that carry no token. */
  ip: string;
}

/** Routes never limited: probes and scrapes must answer however busy a caller is. */
export const rateLimitExemptPaths: readonly string[] = ['/healthz', '/readyz', '/metrics'];

/**
 * The key a request is counted under: its token (by id, never by the secret), else FEDERA_API_TOKEN
 * by name, else its address; so two tokens from one address have a budget each, and one token used
 * from many addresses shares one.
 */
export function rateLimitTracker(caller: RateLimitCaller): string {
  if (caller.tokenId) return `token:${caller.tokenId}`;
  if (caller.name) return `name:${caller.name}`;
  return `ip:${caller.ip}`;
}

/** Whether a path (without its query) is never rate limited. */
export function rateLimitExempt(path: string): boolean {
  return rateLimitExemptPaths.includes(path);
}
