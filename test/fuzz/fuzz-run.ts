import fc from 'fast-check';

/** The seed CI runs with, so that a run can be repeated exactly. */
const FIXED_SEED = 1_512_026;

/**
 * The seed of this run, printed with every boundary's count: the fixed one, `FUZZ_SEED=<n>` to
 * replay another run, or `FUZZ_SEED=random` to search further with a new one.
 */
export const fuzzSeed: number =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? FIXED_SEED);

/** `FUZZ_RUNS_SCALE=10` runs ten times as many cases of every boundary (a longer search, by hand). */
const scale = Number(process.env.FUZZ_RUNS_SCALE ?? '1') || 1;

/**
 * Runs one boundary's property `numRuns` times from the run's seed and prints
 * `fuzz <boundary>: N cases, seed S` (stderr, which CI shows); a failure says the seed and the
 * shrunk counterexample, and how to run it again.
 */
export async function fuzz<T>(
  boundary: string,
  property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>,
  numRuns: number,
): Promise<number> {
  const runs = Math.max(1, Math.round(numRuns * scale));
  const details = await fc.check(property as fc.IAsyncProperty<T>, {
    seed: fuzzSeed,
    numRuns: runs,
    endOnFailure: false,
  });
  if (details.failed) {
    process.stderr.write(
      `fuzz ${boundary}: FAILED after ${details.numRuns} cases, seed ${fuzzSeed}\n`,
    );
    throw new Error(
      `fuzz ${boundary} failed (rerun with FUZZ_SEED=${fuzzSeed}):\n${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`,
    );
  }
  process.stderr.write(`fuzz ${boundary}: ${details.numRuns} cases, seed ${fuzzSeed}\n`);
  return details.numRuns;
}

/** Any JSON value, including the odd ones: deep, huge numbers, unusual strings and keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 2, depthSize: 'large' }),
  fc.constantFrom(
    null,
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    '\u0000',
    'a\ud800',
    '\u202e',
    '💥',
    '__proto__',
    'constructor',
    [],
    {},
    [[[[[]]]]],
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'x', ''), fc.jsonValue()),
);

/** A value for a field: mostly plausible (right-looking scalars), often absurd. */
export const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    1e21,
    -0,
    '',
    '1',
    '1Gi',
    '500m',
    '-1',
    '1e400',
    'NaN',
    'Infinity',
    'x'.repeat(300),
    'UPPER',
    'a.b',
    'a b',
    '../etc',
    [],
    {},
    ['x'],
    { x: 1 },
  ),
  anyJson,
);

/** Every path of a plain document (objects and arrays), as key lists from the root. */
export function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, inner]) => [[...prefix, key], ...pathsOf(inner, [...prefix, key])]);
}

/** `spec.applications[0].resources.cpu`: a path written as the validation errors write it. */
export function pathText(path: Array<string | number>): string {
  return path
    .map((key, i) =>
      // The validation errors write an all-digit key as an index, whatever holds it.
      /^\d+$/.test(String(key)) ? `[${key}]` : key === '' ? '[""]' : i === 0 ? key : `.${key}`,
    )
    .join('');
}

export type Mutation =
  | { kind: 'replace'; path: Array<string | number>; value: unknown }
  | { kind: 'remove'; path: Array<string | number> }
  | { kind: 'rename'; path: Array<string | number>; to: string }
  | { kind: 'extra'; path: Array<string | number>; key: string; value: unknown };

/**
 * One mutation of a valid document: a field replaced by another value, removed, renamed, or a key
 * added where none is known. Paths are chosen among every field of `document`.
 */
export function mutationOf(document: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(document);
  const objectPaths: Array<Array<string | number>> = [
    [],
    ...paths.filter((p) => {
      const v = at(document, p);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    }),
  ];
  const keyPaths = paths.filter((p) => typeof p[p.length - 1] === 'string');
  const newKey = fc.oneof(
    fc.constantFrom('colour', 'extra', '__proto__', 'constructor', 'x-y', ' ', ''),
    fc.string({ minLength: 1, maxLength: 8 }),
  );
  return fc.oneof(
    fc.record({
      kind: fc.constant('replace' as const),
      path: fc.constantFrom(...paths),
      value: fieldValue,
    }),
    fc.record({ kind: fc.constant('remove' as const), path: fc.constantFrom(...keyPaths) }),
    fc.record({
      kind: fc.constant('rename' as const),
      path: fc.constantFrom(...keyPaths),
      to: newKey,
    }),
    fc.record({
      kind: fc.constant('extra' as const),
      path: fc.constantFrom(...objectPaths),
      key: newKey,
      value: fieldValue,
    }),
  );
}

export function at(document: unknown, path: Array<string | number>): unknown {
  let value = document;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value;
}

/** A deep copy of `document` with `mutation` applied (own data properties, `__proto__` included). */
export function applyMutation(document: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(document);
  const parentPath = mutation.kind === 'extra' ? mutation.path : mutation.path.slice(0, -1);
  const parent = at(copy, parentPath) as Record<string | number, unknown>;
  const key = mutation.path[mutation.path.length - 1];
  const define = (target: object, k: string | number, value: unknown) =>
    Object.defineProperty(target, k, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  switch (mutation.kind) {
    case 'replace':
      define(parent, key, mutation.value);
      break;
    case 'remove':
      delete parent[key];
      break;
    case 'rename': {
      const value = parent[key];
      delete parent[key];
      define(parent, mutation.to, value);
      break;
    }
    case 'extra':
      if (!Object.prototype.hasOwnProperty.call(parent, mutation.key))
        define(parent, mutation.key, mutation.value);
      break;
  }
  return copy;
}

/**
 * Whether a mutation puts a key where none was: an added key, or a key renamed to a name its object
 * does not hold already (renamed onto a sibling, it only replaces the sibling's value).
 */
export function addsNewKey(document: unknown, mutation: Mutation): boolean {
  if (mutation.kind !== 'extra' && mutation.kind !== 'rename') return false;
  const holder = at(
    document,
    mutation.kind === 'extra' ? mutation.path : mutation.path.slice(0, -1),
  );
  const key = mutation.kind === 'extra' ? mutation.key : mutation.to;
  return !Object.prototype.hasOwnProperty.call(holder, key);
}

/** The paths a mutation touched, as errors would name them (a renamed key: old and new). */
export function mutatedPaths(mutation: Mutation): string[] {
  switch (mutation.kind) {
    case 'replace':
    case 'remove':
      return [pathText(mutation.path)];
    case 'rename':
      return [pathText(mutation.path), pathText([...mutation.path.slice(0, -1), mutation.to])];
    case 'extra':
      return [pathText([...mutation.path, mutation.key])];
  }
}

/** Whether an error at `errorPath` is about `mutated`: the same field, inside it, or around it. */
export function names(errorPath: string, mutated: string): boolean {
  const inside = (outer: string, inner: string) =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return inside(errorPath, mutated) || inside(mutated, errorPath);
}

/** A service spec's application name, which other fields refer to (`dependsOn`, `rules`). */
function isReferencedName(mutation: Mutation): boolean {
  const last = mutation.path[mutation.path.length - 1];
  return mutation.path[1] === 'applications' && last === 'name' && mutation.path.length === 4;
}

function isChildOf(path: string, parent: string): boolean {
  return path.startsWith(`${parent}.`) && !path.slice(parent.length + 1).includes('.');
}

/**
 * Whether errors at `paths` (of a spec, or of a command carrying one at `prefix`) name what a mutation
 * of a service spec changed: the field, inside or around it; for a changed value, the other field
 * of a rule between two (scaleInBelow under scaleOutAbove); for an application's name, anywhere
 * (it is reported where it is referred to).
 */
export function errorsNameMutation(paths: string[], mutation: Mutation, prefix = ''): boolean {
  if (isReferencedName(mutation)) return true;
  const touched = mutatedPaths(mutation);
  const parent = pathText(mutation.path.slice(0, -1));
  return paths
    .map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p))
    .some(
      (p) =>
        touched.some((t) => names(p, t)) || (mutation.kind === 'replace' && isChildOf(p, parent)),
    );
}
