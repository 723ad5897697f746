import { ServiceEndpoints, validatePayload, type FieldError } from '@federa/contracts';

/** What a reader does with one value read from the discovery bucket. */
export type EndpointsVerdict =
  | { kind: 'accepted'; endpoints: ServiceEndpoints }
  /** Not a valid ServiceEndpoints for its key: refused, the last good set stays. */
  | { kind: 'refused'; errors: FieldError[] }
  /** Valid, but not newer than the set held (a late or repeated delivery): ignored. */
  | { kind: 'stale'; held: number; offered: number };

/**
 * Judges the value of key `key` against the set held for it: it must be JSON, a valid
 * ServiceEndpoints (every error named by its path), name the service of its key, and carry a
 * version newer than the one held.
 */
export function judgeEndpoints(
  key: string,
  text: string,
  held: ServiceEndpoints | undefined,
): EndpointsVerdict {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'refused',
      errors: [{ path: '', reason: `not JSON: ${(error as Error).message}` }],
    };
  }
  const parsed = validatePayload(ServiceEndpoints, plain);
  if (!parsed.ok) return { kind: 'refused', errors: parsed.errors };
  const endpoints = parsed.value;
  if (endpoints.service !== key) {
    return {
      kind: 'refused',
      errors: [
        { path: 'service', reason: `must be the key's service ${key}, not ${endpoints.service}` },
      ],
    };
  }
  if (held && endpoints.version <= held.version) {
    return { kind: 'stale', held: held.version, offered: endpoints.version };
  }
  return { kind: 'accepted', endpoints };
}
