import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// class-transformer keeps its decorator metadata in a module it does not re-export; its types sit apart.
const { defaultMetadataStorage } =
  require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');

/** A class whose instances carry validation decorators, whatever its constructor takes. */
export type DataClass = abstract new (...args: never[]) => object;

/** One field of a data class, as its validation decorators define it. */
export interface FieldDescription {
  name: string;
  /** The class that declares the field (a base class for inherited fields): where its comment is. */
  declaredIn: string;
  /** `string`, `integer`, `number`, `boolean`, `object`, `string[]`, or a nested class's name. */
  type: string;
  /** The nested class the field holds (one, or an array of them), to be described too. */
  nested?: DataClass;
  optional: boolean;
  /** Constraints beyond the type, in words: `≥ 1`, `one of qemu, libvirt`, `host id`. */
  rules: string[];
}

/** Validators that only state the type; the type column already says it. */
const typeOnly = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  'isOptional',
]);

/** Short wording of the validators this project uses; any other is worded by its own message. */
const wording: Record<string, (constraints: unknown[]) => string> = {
  min: ([n]) => `≥ ${String(n)}`,
  max: ([n]) => `≤ ${String(n)}`,
  isIn: ([values]) => `one of ${(values as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`,
  equals: ([value]) => `\`${String(value)}\``,
  isNotEmpty: () => 'not empty',
  arrayUnique: () => 'no duplicates',
  arrayMinSize: ([n]) => `at least ${String(n)} item${n === 1 ? '' : 's'}`,
  arrayMaxSize: ([n]) => `at most ${String(n)} items`,
  isIso8601: () => 'ISO 8601 time',
  matches: ([pattern]) => `matches \`${String(pattern)}\``,
  isHostId: () => 'host id: 1 to 63 of `a-z`, `0-9`, `-`',
  isInstanceId: () => 'instance id: 1 to 134 of letters, digits, `.`, `_`, `-`',
  isEntityId: () => 'id: 1 to 128 of letters, digits, `.`, `_`, `:`, `-`',
  isResourceName: () => 'name: `[a-z0-9-]{1,63}`',
  isCpuQuantity: () => 'cpu quantity (`500m`, `2`)',
  isByteQuantity: () => 'byte quantity (`128Mi`, `20Gi`)',
  isBandwidthQuantity: () => 'bandwidth (`100Mbps`, `10Gbps`)',
  isMoneyRate: () => 'money rate ≥ 0 (`2.5`)',
  isStringRecord: () => 'string values',
};

/**
 * Every field of a class-validator class, inherited ones first, in declaration order, read from the
 * decorators' metadata: what validation enforces is what the catalogue says.
 */
export function describeFields(cls: DataClass): FieldDescription[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false);
  const byField = new Map<string, ValidationMetadata[]>();
  for (const entry of orderedByDeclaration(cls, metadata)) {
    const list = byField.get(entry.propertyName) ?? [];
    list.push(entry);
    byField.set(entry.propertyName, list);
  }
  return [...byField].map(([name, entries]) => describeField(cls, name, entries));
}

function orderedByDeclaration(
  cls: DataClass,
  metadata: ValidationMetadata[],
): ValidationMetadata[] {
  const chain: DataClass[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype;) {
    chain.unshift(c as DataClass);
    c = Object.getPrototypeOf(c);
  }
  const rank = (target: ValidationMetadata['target']) => chain.indexOf(target as DataClass);
  // Decorators of one property run bottom-up; stable sort keeps the properties' own order.
  return [...metadata].sort((a, b) => rank(a.target) - rank(b.target));
}

function describeField(
  cls: DataClass,
  name: string,
  entries: ValidationMetadata[],
): FieldDescription {
  const names = new Set(entries.map(validatorName));
  const nestedEntry = entries.find((e) => e.type === ValidationTypes.NESTED_VALIDATION);
  const nested = nestedEntry ? nestedClass(cls, name) : undefined;
  const rules = entries
    .filter((e) => !typeOnly.has(validatorName(e)))
    .reverse()
    .map((e) => ruleOf(e, name));
  return {
    name,
    declaredIn: (entries[0].target as DataClass).name,
    type: typeOf(cls, name, names, entries, nested, nestedEntry?.each === true),
    ...(nested ? { nested } : {}),
    optional: names.has('isOptional'),
    rules: [...new Set(rules)],
  };
}

function validatorName(entry: ValidationMetadata): string {
  return entry.name ?? entry.type;
}

function nestedClass(cls: DataClass, name: string): DataClass | undefined {
  const type = defaultMetadataStorage.findTypeMetadata(cls, name)?.typeFunction();
  // class-transformer types its answer as Function; a @Type() of a data class returns the class.
  return typeof type === 'function' ? (type as DataClass) : undefined;
}

function typeOf(
  cls: DataClass,
  name: string,
  names: Set<string>,
  entries: ValidationMetadata[],
  nested: DataClass | undefined,
  nestedEach: boolean,
): string {
  const design = (Reflect.getMetadata('design:type', cls.prototype, name) as DataClass | undefined)
    ?.name;
  const array = names.has('isArray') || design === 'Array' || nestedEach;
  if (nested) return array ? `${nested.name}[]` : nested.name;
  const element = elementType(names, entries, design, array);
  return array ? `${element}[]` : element;
}

function elementType(
  names: Set<string>,
  entries: ValidationMetadata[],
  design: string | undefined,
  array: boolean,
): string {
  if (names.has('isInt')) return 'integer';
  if (names.has('isNumber') || names.has('isMoneyRate')) return 'number';
  if (names.has('isBoolean')) return 'boolean';
  const inList = entries.find((e) => validatorName(e) === 'isIn');
  const listed = inList ? ((inList.constraints?.[0] as unknown[] | undefined) ?? []) : [];
  if (listed.length > 0 && listed.every((v) => typeof v === 'string')) return 'string';
  if (names.has('isStringRecord')) return 'object';
  if (array && design === 'Array') return names.has('isString') ? 'string' : 'any';
  switch (design) {
    case 'String':
      return 'string';
    case 'Number':
      return 'number';
    case 'Boolean':
      return 'boolean';
    default:
      return names.has('isString') ? 'string' : names.has('isObject') ? 'object' : 'any';
  }
}

function ruleOf(entry: ValidationMetadata, field: string): string {
  const name = validatorName(entry);
  const constraints = entry.constraints ?? [];
  const worded = wording[name];
  if (worded) return (entry.each ? 'each ' : '') + worded(constraints);
  return ownMessage(entry, field) ?? name;
}

/** A validator this file does not know: its default message, without the field's name. */
function ownMessage(entry: ValidationMetadata, field: string): string | undefined {
  const Constraint = entry.constraintCls as
    (new () => { defaultMessage?: (args: ValidationArguments) => string }) | undefined;
  if (!Constraint) return undefined;
  const args: ValidationArguments = {
    property: field,
    value: undefined,
    constraints: entry.constraints ?? [],
    targetName: (entry.target as DataClass).name,
    object: {},
  };
  const message = new Constraint().defaultMessage?.(args);
  if (!message) return undefined;
  return message
    .replace(/\$property\s*/g, '')
    .replace(/\$constraint(\d+)/g, (_, i: string) => String(args.constraints[Number(i) - 1]));
}
