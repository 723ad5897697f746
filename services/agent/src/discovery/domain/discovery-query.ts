import type { FieldError } from '@federa/contracts';

/** A long poll's parameters: answer once a version above `afterVersion` is held, or at the timeout. */
export type DiscoveryQuery =
  | { ok: true; afterVersion: number | undefined; timeoutMs: number }
  | { ok: false; errors: FieldError[] };

/** How long a long poll waits when the query names no `timeoutMs`. */
export const DEFAULT_WAIT_MS = 30_000;
/** The longest wait a query may ask for. */
export const MAX_WAIT_MS = 300_000;

/**
 * `?after=N` (answer once the version is above N), `?waitForVersion=N` (once it is N or more:
 * the same as after=N-1) and `timeoutMs` (0..300000, default 30000). No parameter: answer at once.
 */
export function parseDiscoveryQuery(params: URLSearchParams): DiscoveryQuery {
  const errors: FieldError[] = [];
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
      errors.push({ path: name, reason: `must be an integer from ${min} to ${max}` });
      return undefined;
    }
    return value;
  };
  const after = integer('after', 0, Number.MAX_SAFE_INTEGER);
  const waitFor = integer('waitForVersion', 0, Number.MAX_SAFE_INTEGER);
  const timeoutMs = integer('timeoutMs', 0, MAX_WAIT_MS);
  if (after !== undefined && waitFor !== undefined)
    errors.push({ path: 'waitForVersion', reason: 'cannot be given with after' });
  for (const name of params.keys()) {
    if (!['after', 'waitForVersion', 'timeoutMs'].includes(name))
      errors.push({ path: name, reason: 'is not a parameter (after, waitForVersion, timeoutMs)' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    // waitForVersion=0 is met by every set, the empty one included: answer at once.
    afterVersion: after ?? (waitFor === undefined || waitFor === 0 ? undefined : waitFor - 1),
    timeoutMs: timeoutMs ?? DEFAULT_WAIT_MS,
  };
}
