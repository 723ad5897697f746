/** Full-jitter exponential backoff: a random delay in [0, min(cap, base·2^attempt)) ms. */
export function retryDelayMs(
  attempt: number,
  baseMs = 5,
  capMs = 200,
  random = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
