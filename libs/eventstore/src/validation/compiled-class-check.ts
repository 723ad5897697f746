import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-transformer keeps its decorator metadata in a module it does not re-export; its types sit apart.
const { defaultMetadataStorage } =
  require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

/**
 * A class-validator class compiled into one plain function: true means the plain value passes every
 * constraint `validatePayload` would check (whitelist and forbidNonWhitelisted included); false means
 * "not proven valid" — the caller must ask validatePayload itself, which also words the errors.
 * The constraints are class-validator's own (the same constraint instances, read from its metadata);
 * only the machinery around them is skipped: class-transformer's copy into instances and the
 * executor's per-call metadata look-ups and error objects.
 */
export type ClassCheck = (plain: unknown) => boolean;

interface ConstraintInstance {
  validate(value: unknown, args: ValidationArguments): unknown;
}

interface CompiledProperty {
  name: string;
  /** IsOptional / ValidateIf: every one must hold for the rest to apply. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  constraints: Array<{ instance: ConstraintInstance; each: boolean; args: unknown[] }>;
  /** ValidateNested with its @Type class; null when nested validation is declared without a class. */
  nested: ClassCheck | null | undefined;
  /** Reused for every call: constraints are synchronous and keep no reference to it. */
  args: ValidationArguments;
}

const never: ClassCheck = () => false;

/**
 * Compiles `cls`, or answers undefined when the class uses something the compiled form does not
 * reproduce exactly (async or promise validation, groups, class-transformer transforms, exposes or
 * excludes, field initialisers, @Type to a non-class): such a class is always validated the slow way.
 */
export function compileClassCheck(
  cls: new () => object,
  compiling: Map<object, ClassCheck | undefined> = new Map(),
): ClassCheck | undefined {
  if (compiling.has(cls)) return compiling.get(cls);
  // Self-referencing classes: checked through a late-bound indirection.
  const slot: { check?: ClassCheck } = {};
  compiling.set(cls, (plain) => slot.check?.(plain) ?? false);
  slot.check = compileProperties(cls, compiling);
  compiling.set(cls, slot.check);
  return slot.check;
}

function compileProperties(
  cls: new () => object,
  compiling: Map<object, ClassCheck | undefined>,
): ClassCheck | undefined {
  const storage = getMetadataStorage();
  const metadatas: ValidationMetadata[] = storage.getTargetValidationMetadatas(
    cls,
    undefined as unknown as string,
    false,
    false,
    undefined,
  );
  if (metadatas.length === 0) return undefined;
  if (defaultMetadataStorage.getExposedMetadatas(cls).length > 0) return undefined;
  if (defaultMetadataStorage.getExcludedMetadatas(cls).length > 0) return undefined;
  let sample: object;
  try {
    sample = new cls();
  } catch {
    return undefined;
  }
  if (Object.values(sample).some((v) => v !== undefined)) return undefined;

  const byName = new Map<string, ValidationMetadata[]>();
  for (const m of metadatas) {
    if (m.groups?.length || m.always || typeof m.target === 'string') return undefined;
    byName.set(m.propertyName, [...(byName.get(m.propertyName) ?? []), m]);
  }
  const properties: CompiledProperty[] = [];
  for (const [name, list] of byName) {
    if (defaultMetadataStorage.findTransformMetadatas(cls, name, 1).length > 0) return undefined;
    const property: CompiledProperty = {
      name,
      conditions: [],
      constraints: [],
      nested: undefined,
      args: { targetName: cls.name, property: name, object: {}, value: undefined, constraints: [] },
    };
    for (const m of list) {
      switch (m.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(m.constraints[0] as CompiledProperty['conditions'][number]);
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
            if (c.async) return undefined;
            property.constraints.push({
              instance: c.instance as ConstraintInstance,
              each: m.each === true,
              args: m.constraints,
            });
          }
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const type = defaultMetadataStorage.findTypeMetadata(cls, name);
          if (type?.options?.discriminator) return undefined;
          const target = type?.typeFunction() as (new () => object) | undefined;
          if (target === undefined) {
            property.nested = null;
            break;
          }
          if ([String, Number, Boolean, Date, Object, Array, Map, Set].includes(target as never)) {
            return undefined;
          }
          property.nested = compileClassCheck(target, compiling) ?? null;
          break;
        }
        default:
          return undefined;
      }
    }
    properties.push(property);
  }
  const known = new Set(byName.keys());
  return (plain) => {
    if (!isPlainObject(plain)) return false;
    const keys = Object.keys(plain);
    for (let i = 0; i < keys.length; i++) if (!known.has(keys[i])) return false;
    for (let i = 0; i < properties.length; i++) {
      const property = properties[i];
      const value = (plain as Record<string, unknown>)[property.name];
      if (!checkProperty(property, plain, value)) return false;
    }
    return true;
  };
}

function checkProperty(property: CompiledProperty, object: object, value: unknown): boolean {
  for (const condition of property.conditions) if (!condition(object, value)) return true;
  // Objects reach class-validator as class-transformer's copies: only plain ones are known to be equal.
  if (
    value !== null &&
    typeof value === 'object' &&
    !isPlainObject(value) &&
    !Array.isArray(value)
  ) {
    return false;
  }
  const { constraints, args } = property;
  args.object = object;
  args.value = value;
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i];
    args.constraints = c.args;
    if (c.each && Array.isArray(value)) {
      for (const item of value) if (!c.instance.validate(item, args)) return false;
    } else if (!c.instance.validate(value, args)) return false;
  }
  if (property.nested !== undefined && value !== undefined) {
    const nested = property.nested ?? never;
    if (Array.isArray(value)) {
      for (const item of value) if (!nested(item)) return false;
    } else if (!nested(value)) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
