import type { FieldError } from './field-error';

/**
 * Keys class-transformer drops without a word: those of Object.prototype (`__proto__`,
 * `constructor`, `toString`, `valueOf`…), which it guards or takes for methods (and it throws on an
 * object holding a `constructor` of its own).
 */
const isReservedKey = (key: string): boolean => key in Object.prototype;

/** A surrogate without its pair: not Unicode, and refused by Postgres in JSON. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as JSON in Postgres (jsonb refuses U+0000 and lone surrogates). */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (it holds a lone surrogate)';
  return undefined;
}

/**
 * What no payload may hold, wherever it stands: a reserved key (it would be dropped before
 * validation, and the payload accepted without it), and text the event log cannot store (it would
 * fail the append after every check had passed). Walked without recursion; each object once.
 * `joinPath` writes each path as the validation errors do.
 */
export function unstorableKeysAndText(
  plain: object,
  joinPath: (parent: string, key: string) => string,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<object>();
  const stack: Array<{ value: object; path: string }> = [{ value: plain, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    for (const key of Object.keys(value)) {
      const inner = (value as Record<string, unknown>)[key];
      const at = joinPath(path, key);
      const keyProblem = Array.isArray(value)
        ? undefined
        : isReservedKey(key)
          ? 'is a reserved name, not allowed as a key'
          : unstorable(key);
      if (keyProblem)
        errors.push({ path: at, reason: keyProblem.replace(/^must/, 'as a key, must') });
      else if (typeof inner === 'string') {
        const problem = unstorable(inner);
        if (problem) errors.push({ path: at, reason: problem });
      } else if (inner !== null && typeof inner === 'object')
        stack.push({ value: inner, path: at });
    }
  }
  return errors;
}
