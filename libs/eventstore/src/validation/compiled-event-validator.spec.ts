import 'reflect-metadata';
import { currentSchemaVersion, validateEvent, validatePayload } from '@federa/contracts';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import fc from 'fast-check';
import { compileClassCheck } from './compiled-class-check';
import { compiledContractsEventValidator } from './compiled-event-validator';
import { contractsEventValidator } from './contracts-event-validator';

const amounts = { cpuMillis: 500, memoryBytes: 1 << 30, storageBytes: 0, bandwidthBps: 5e7 };
const samples: Record<string, Record<string, unknown>> = {
  HostAllocationChanged: {
    host: 'mph-1',
    instance: 'shop-web-1',
    service: 'shop',
    app: 'web',
    change: 'reserved',
    resources: amounts,
    allocated: { ...amounts, cpuMillis: 1500 },
  },
  InstancePlaced: {
    service: 'shop',
    app: 'web',
    instance: 'shop-web-1',
    host: 'mph-1',
    layer: 'process',
    resources: amounts,
    scores: { total: 0.8, byScorer: { cost: 1, spread: 0.5 } },
    hostsConsidered: 13,
    hostEpoch: 1,
    costPerHour: 0.0421,
    rejected: [{ filter: 'anti-affinity', hosts: 2, detail: '2 hosts run shop/web' }],
    candidates: [
      { host: 'mph-1', total: 0.8, costPerHour: 0.0421, byScorer: { cost: 1 } },
      { host: 'mph-2', total: 0.7, costPerHour: 0.05, byScorer: { cost: 0.9 } },
    ],
  },
  PlacementFailed: {
    service: 'shop',
    app: 'web',
    instance: 'shop-web-2',
    reasons: [{ filter: 'capacity:cpu', hosts: 6, detail: '6 hosts lacked cpu' }],
    hostsConsidered: 6,
    message: 'no host has 500m cpu free',
  },
};

/** Paths to every value of a sample: ['candidates', 1, 'byScorer'], ... */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [at, ...keys.flatMap((k) => pathsOf((value as Record<string, unknown>)[k], [...at, k]))];
}

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string };

function mutate(sample: unknown, path: (string | number)[], mutation: Mutation): unknown {
  // JSON's copy, not structuredClone: its objects would come from another realm than the test's.
  const copy = JSON.parse(JSON.stringify(sample)) as unknown;
  if (mutation.kind === 'add') {
    let target = copy as Record<string | number, unknown>;
    for (const step of path) target = target[step] as Record<string | number, unknown>;
    if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
      target[mutation.key] = 1;
    }
    return copy;
  }
  if (path.length === 0) return mutation.kind === 'set' ? mutation.value : undefined;
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (mutation.kind === 'set') parent[last] = mutation.value;
  else delete parent[last];
  return copy;
}

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, NaN, Infinity, -1, 0, 1.5, '', 'mph 1', [], {}, new Date(0)),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  anyValue.map((value) => ({ kind: 'set' as const, value })),
  fc.constant({ kind: 'delete' as const }),
  fc.string({ maxLength: 8 }).map((key) => ({ kind: 'add' as const, key })),
);

describe('the compiled contracts event validator', () => {
  const fast = compiledContractsEventValidator(() => ({
    ok: false,
    errors: [{ path: '', reason: 'left to the fallback' }],
  }));

  it.each(Object.entries(samples))(
    'proves a valid %s valid without the fallback, as class-validator does',
    (type, data) => {
      expect(fast({ type, data }).ok).toBe(true);
      expect(validateEvent(type, currentSchemaVersion(type)!, data)).toEqual([]);
      expect(fast({ type, data })).toEqual(contractsEventValidator({ type, data }));
    },
  );

  it.each(Object.entries(samples))(
    'never accepts a mutated %s that class-validator refuses',
    (type, sample) => {
      const paths = pathsOf(sample);
      let provenValid = 0;
      fc.assert(
        fc.property(fc.constantFrom(...paths), mutation, (path, m) => {
          const data = mutate(sample, path, m);
          if (fast({ type, data }).ok) {
            provenValid++;
            expect(contractsEventValidator({ type, data }).ok).toBe(true);
          }
        }),
        { numRuns: 400 },
      );
      // Some mutations keep the event valid (another number, an optional field dropped): the fast path ran.
      expect(provenValid).toBeGreaterThan(0);
    },
  );

  it('leaves refused events and older schema versions to the reference validator, which words the errors', () => {
    const validator = compiledContractsEventValidator();
    const bad = { ...samples.PlacementFailed, hostsConsidered: -1, extra: true };
    expect(validator({ type: 'PlacementFailed', data: bad })).toEqual(
      contractsEventValidator({ type: 'PlacementFailed', data: bad }),
    );
    expect(validator({ type: 'PlacementFailed', data: bad }).ok).toBe(false);
    const v1 = { ...samples.InstancePlaced, schemaVersion: 1 };
    expect(validator({ type: 'InstancePlaced', schemaVersion: 1, data: v1 })).toEqual(
      contractsEventValidator({ type: 'InstancePlaced', schemaVersion: 1, data: v1 }),
    );
    expect(validator({ type: 'NoSuchEvent', data: {} }).ok).toBe(false);
  });
});

describe('compiling a class-validator class', () => {
  class Part {
    @IsString()
    name: string;
  }

  class Whole {
    @IsInt()
    @Min(1)
    count: number;

    @IsOptional()
    @IsString()
    note?: string;

    @ValidateNested({ each: true })
    @Type(() => Part)
    parts: Part[];
  }

  class Transformed {
    @Transform(({ value }) => String(value))
    @IsString()
    name: string;
  }

  class Defaulted {
    @IsString()
    name: string = 'x';
  }

  it('agrees with validatePayload on nested, optional and unknown keys', () => {
    const check = compileClassCheck(Whole)!;
    const cases: unknown[] = [
      { count: 1, parts: [{ name: 'a' }] },
      { count: 1, note: undefined, parts: [] },
      { count: 0, parts: [] },
      { count: 1, parts: [{ name: 3 }] },
      { count: 1, parts: [{ name: 'a', extra: 1 }] },
      { count: 1, parts: [], extra: 1 },
      { count: 1, parts: ['a'] },
      { count: 1, parts: { name: 'a' } },
      [],
      null,
    ];
    for (const value of cases) {
      expect([value, check(value)]).toEqual([value, validatePayload(Whole, value).ok]);
    }
  });

  it('refuses to compile classes whose transforms or defaults it cannot reproduce', () => {
    expect(compileClassCheck(Transformed)).toBeUndefined();
    expect(compileClassCheck(Defaulted)).toBeUndefined();
  });
});
