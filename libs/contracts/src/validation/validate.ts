import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ValidationFailed, type FieldError } from './field-error';
import { arraysForObjects } from './nested-arrays';
import { unstorableKeysAndText } from './unstorable-text';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * Turns a plain payload into an instance of `cls`, checking every constraint.
 * Unknown keys are errors (the contract rejects them), and every error is reported with its path.
 */
export function validatePayload<T extends object>(
  cls: ClassConstructor<T>,
  plain: unknown,
): Validated<T> {
  if (!isPlainObject(plain)) {
    return { ok: false, errors: [{ path: '', reason: 'must be an object' }] };
  }
  // Checked first and answered alone: class-transformer may throw on a reserved key.
  const unstorable = unstorableKeysAndText(plain, joinPath);
  if (unstorable.length > 0) return { ok: false, errors: unstorable };
  const value = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const found = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: true },
  });
  const errors = flattenValidationErrors(found);
  for (const error of arraysForObjects(value)) {
    if (!errors.some((e) => e.path === error.path && e.reason === error.reason)) errors.push(error);
  }
  if (errors.length === 0) return { ok: true, value };
  return { ok: false, errors };
}

/** A mapping as JSON and YAML write one: not an array, nor a Date or bytes (YAML's tags). */
function isPlainObject(value: unknown): value is object {
  // Asked by tag, not prototype: a payload may come from another realm (a vm, a worker).
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** Like validatePayload, but throws ValidationFailed listing every error. */
export function parsePayload<T extends object>(
  cls: ClassConstructor<T>,
  plain: unknown,
  what?: string,
): T {
  const result = validatePayload(cls, plain);
  if (!result.ok) throw new ValidationFailed(result.errors, what ?? cls.name);
  return result.value;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const path = joinPath(parent, error.property);
    const constraints = Object.entries(error.constraints ?? {});
    // A missing field breaks every constraint on it; one reason says it better than a list.
    if (
      error.value === undefined &&
      constraints.length > 0 &&
      !('whitelistValidation' in error.constraints!)
    ) {
      out.push({ path, reason: 'is required' });
      continue;
    }
    for (const [rule, message] of constraints) {
      const reason = reasonOf(rule, message, error.property);
      // `@IsObject` and `@ValidateNested` both refuse a non-object; say it once.
      if (!out.some((e) => e.path === path && e.reason === reason)) out.push({ path, reason });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

function reasonOf(rule: string, message: string, property: string): string {
  if (rule === 'whitelistValidation') return 'unknown key';
  if (rule === 'nestedValidation') return 'must be an object';
  const each = `each value in ${property} `;
  if (message.startsWith(each)) return `every item ${message.slice(each.length)}`;
  return stripProperty(message, property);
}

/** The path of `property` inside `parent`, written as every error writes it (`a.b`, `a[0]`, `a[""]`). */
export function joinPath(parent: string, property: string): string {
  if (property === undefined) return parent;
  // An empty key (`"": 1`, YAML's `: 1`) is still a key: named, not taken for its parent.
  if (property === '') return `${parent}[""]`;
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** class-validator prefixes messages with the property name; the path already says it. */
function stripProperty(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
