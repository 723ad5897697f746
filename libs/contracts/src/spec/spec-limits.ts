import type { FieldError } from '../validation/field-error';

/**
 * The documented limits of a service spec (docs/reference/service-spec.md, "Limits"). They keep every
 * answer about one service (its summary, its placement plan, its events) well inside the bus's
 * max_payload, and keep a hostile document from exhausting the stack or the memory of a service.
 */
export const SpecLimits = {
  /** Applications in one service. */
  applicationsPerService: 200,
  /** `replicas.max` (and so `replicas.min`) of one application. */
  replicasPerApplication: 100,
  /** The applications' `replicas.max` added up: the most instances one service can ever run. */
  instancesPerService: 1000,
  /** The spec as JSON (what the log stores and the bus carries), and the text it is read from. */
  specBytes: 256 * 1024,
  /** Objects and arrays inside one another, in any document the API reads. */
  nestingDepth: 64,
  /** YAML alias nodes resolved while reading one document (the `yaml` package's maxAliasCount). */
  yamlAliases: 100,
} as const;

/** `262144 bytes (256 KiB)`: a limit in bytes as the errors and the reference write it. */
export function describeBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes} bytes (${bytes / 1024} KiB)` : `${bytes} bytes`;
}

export const DEPTH_LIMIT_REASON = `nests objects and arrays deeper than the limit of ${SpecLimits.nestingDepth} levels`;

export interface DocumentLimits {
  maxDepth: number;
  /** The most bytes the document may take as JSON; omitted: not measured. */
  maxBytes?: number;
}

/**
 * Measures a parsed document without recursion, so that neither depth nor a structure shared
 * through YAML aliases (or a cycle) can exhaust the stack: it stops at the first level past
 * `maxDepth` and at the first byte past `maxBytes` (JSON's size, counting each shared part as often
 * as it would be written out). Answers the limits it broke, each naming the limit and its value.
 */
export function checkDocumentLimits(document: unknown, limits: DocumentLimits): FieldError[] {
  const maxBytes = limits.maxBytes ?? Infinity;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: document, depth: 1 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value !== null && typeof value === 'object') {
      if (depth > limits.maxDepth) return [{ path: '', reason: DEPTH_LIMIT_REASON }];
      const entries = Array.isArray(value) ? value : Object.entries(value);
      bytes += 2 + Math.max(0, entries.length - 1);
      for (const entry of entries) {
        if (Array.isArray(value)) stack.push({ value: entry, depth: depth + 1 });
        else {
          const [key, inner] = entry as [string, unknown];
          if (inner === undefined) continue;
          bytes += jsonStringBytes(key) + 1;
          stack.push({ value: inner, depth: depth + 1 });
        }
      }
    } else {
      bytes += scalarBytes(value);
    }
    if (bytes > maxBytes) {
      return [
        {
          path: '',
          reason: `is larger than the limit of ${describeBytes(maxBytes)} per spec (measured as JSON)`,
        },
      ];
    }
  }
  return [];
}

/**
 * How deep JSON text nests, read without parsing, stopping as soon as it passes `max`; strings are
 * skipped so that brackets inside them do not count.
 */
export function jsonTextDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** UTF-8 bytes of a string, without a Buffer (the contracts load in any runtime). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A string's size in JSON: its UTF-8 bytes, its quotes, and the escapes JSON writes. */
function jsonStringBytes(text: string): number {
  let escapes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09) escapes += 1;
    else if (c < 0x20) escapes += 5;
  }
  return utf8Bytes(text) + escapes + 2;
}

function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return jsonStringBytes(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value).length;
  return 4;
}

/**
 * The limits past which a spec is not read any further: nesting, size, and the number of
 * applications. A spec past one of them is answered with that limit alone, since checking every
 * field of it would cost more than the answer is worth (and list more errors than a reply holds).
 */
export function checkSpecSizeLimits(plain: unknown): FieldError[] {
  const deep = checkDocumentLimits(plain, { maxDepth: SpecLimits.nestingDepth });
  if (deep.length > 0) return deep;
  const errors: FieldError[] = [];
  const body =
    plain !== null && typeof plain === 'object' ? (plain as { spec?: unknown }).spec : undefined;
  const apps =
    body !== null && typeof body === 'object'
      ? (body as { applications?: unknown }).applications
      : undefined;
  if (Array.isArray(apps) && apps.length > SpecLimits.applicationsPerService) {
    errors.push({
      path: 'spec.applications',
      reason: `${apps.length} applications exceed the limit of ${SpecLimits.applicationsPerService} applications per service`,
    });
  }
  errors.push(
    ...checkDocumentLimits(plain, {
      maxDepth: SpecLimits.nestingDepth,
      maxBytes: SpecLimits.specBytes,
    }),
  );
  return errors;
}
