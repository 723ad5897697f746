import { ValidationTypes, getMetadataStorage } from 'class-validator';
import type { FieldError } from './field-error';

interface Nested {
  propertyName: string;
  each: boolean;
}

/** Each class's `@ValidateNested` properties, looked up once: decorators run when it is defined. */
const nestedByClass = new WeakMap<object, Nested[]>();

function nestedOf(cls: unknown): Nested[] {
  if (typeof cls !== 'function') return [];
  let nested = nestedByClass.get(cls);
  if (!nested) {
    nested = getMetadataStorage()
      .getTargetValidationMetadatas(cls as new () => object, '', true, false)
      .filter((m) => m.type === ValidationTypes.NESTED_VALIDATION)
      .map((m) => ({ propertyName: m.propertyName, each: m.each }));
    nestedByClass.set(cls, nested);
  }
  return nested;
}

/**
 * Where an array stands for a nested object: class-validator's `@ValidateNested` validates the
 * items of an array it meets, at any depth, so `applications: [[app]]` or `costs: [costs]` would
 * pass and break whoever reads them. Walks the instances class-transformer made, each once.
 */
export function arraysForObjects(instance: object): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<object>();
  const stack: Array<{ value: object; path: string }> = [{ value: instance, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    for (const metadata of nestedOf(value.constructor)) {
      const inner = (value as Record<string, unknown>)[metadata.propertyName];
      const at = path ? `${path}.${metadata.propertyName}` : metadata.propertyName;
      if (!Array.isArray(inner)) {
        if (inner !== null && typeof inner === 'object') stack.push({ value: inner, path: at });
        continue;
      }
      if (!metadata.each) {
        errors.push({ path: at, reason: 'must be an object' });
        continue;
      }
      inner.forEach((item: unknown, index) => {
        if (Array.isArray(item))
          errors.push({ path: `${at}[${index}]`, reason: 'must be an object' });
        else if (item !== null && typeof item === 'object')
          stack.push({ value: item, path: `${at}[${index}]` });
      });
    }
  }
  return errors;
}
