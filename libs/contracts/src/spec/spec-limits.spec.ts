import { validateCommand } from '../commands/command-registry';
import { parseServiceSpec } from './parse-service-spec';
import { SpecLimits, checkDocumentLimits, jsonTextDeeperThan } from './spec-limits';

function specOf(apps: number, app: (i: number) => Record<string, unknown> = () => ({})) {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'big' },
    spec: {
      applications: Array.from({ length: apps }, (_, i) => ({
        name: `app-${i}`,
        layer: 'sim',
        resources: { cpu: '100m', memory: '64Mi' },
        ...app(i),
      })),
    },
  };
}

function refusal(source: unknown): string[] {
  const result = parseServiceSpec(source);
  if (result.ok) throw new Error('the spec was accepted');
  return result.errors.map((e) => `${e.path}: ${e.reason}`);
}

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('spec limits', () => {
  it('accepts a spec at every limit: its applications, replicas and instances', () => {
    const atLimits = specOf(SpecLimits.applicationsPerService, () => ({
      replicas: { min: 5, max: 5 },
    }));
    const result = parseServiceSpec(JSON.stringify(atLimits));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.normalised.applications).toHaveLength(200);
  });

  it('refuses a spec of more applications than the limit with that limit alone', () => {
    expect(refusal(specOf(5000))).toEqual([
      'spec.applications: 5000 applications exceed the limit of 200 applications per service',
      ': is larger than the limit of 262144 bytes (256 KiB) per spec (measured as JSON)',
    ]);
    expect(refusal(specOf(201))).toEqual([
      'spec.applications: 201 applications exceed the limit of 200 applications per service',
    ]);
  });

  it('refuses a spec larger than the limit in bytes, as text and as a document', () => {
    const padded = specOf(20, () => ({
      artifact: { command: ['node', 'x'.repeat(20_000)] },
      layer: 'process',
    }));
    expect(refusal(padded)).toEqual([
      ': is larger than the limit of 262144 bytes (256 KiB) per spec (measured as JSON)',
    ]);
    expect(refusal(JSON.stringify(padded))).toEqual([
      expect.stringMatching(/^: the spec text is \d+ bytes, over the limit of 262144 bytes/),
    ]);
  });

  it('refuses replicas past the limit per application, naming the field', () => {
    expect(refusal(specOf(1, () => ({ replicas: { min: 1, max: 101 } })))).toEqual([
      'spec.applications[0].replicas.max: must not exceed the limit of 100 replicas per application',
    ]);
  });

  it('refuses applications whose replicas.max add up past the limit of instances per service', () => {
    expect(refusal(specOf(11, () => ({ replicas: { min: 1, max: 100 } })))).toEqual([
      "spec.applications: the applications' replicas.max add up to 1100, over the limit of 1000 instances per service",
    ]);
  });

  it('refuses cpu and memory of zero and negative amounts, naming each field', () => {
    expect(refusal(specOf(1, () => ({ resources: { cpu: '0', memory: 0 } })))).toEqual([
      'spec.applications[0].resources.cpu: must be more than 0',
      'spec.applications[0].resources.memory: must be more than 0',
    ]);
    expect(refusal(specOf(1, () => ({ resources: { cpu: -1, memory: '0Mi' } })))).toEqual([
      expect.stringMatching(/^spec\.applications\[0\]\.resources\.cpu: expected a cpu quantity/),
      'spec.applications[0].resources.memory: must be more than 0',
    ]);
  });

  it('refuses JSON nested 10,000 deep before parsing it, naming the limit', () => {
    const bomb = `{"apiVersion":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(refusal(bomb)).toEqual([
      ': nests objects and arrays deeper than the limit of 64 levels',
    ]);
    expect(jsonTextDeeperThan('{"a":"[[[[[[[[[[[[[[[[[[[["}', 3)).toBe(false);
  });

  it('refuses YAML nested 10,000 deep, in flow and in block style, without recursing', () => {
    const flow = `apiVersion: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    const block = `apiVersion:\n  ${'- '.repeat(10_000)}x\n`;
    for (const bomb of [flow, block])
      expect(refusal(bomb)).toEqual([
        ': nests objects and arrays deeper than the limit of 64 levels',
      ]);
  });

  it('refuses a YAML alias bomb, naming the alias limit', () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(refusal(bomb)).toEqual([
      expect.stringContaining('YAML aliases expand past the limit of 100 alias resolutions'),
    ]);
  });

  it('refuses a YAML alias that contains itself as too deep rather than looping', () => {
    expect(refusal('apiVersion: &loop [*loop]\n')).toEqual([
      ': nests objects and arrays deeper than the limit of 64 levels',
    ]);
  });

  it('measures a document as JSON writes it, escapes and multi-byte characters included', () => {
    for (const value of [
      { a: ['x', 1, true, null, { b: 'é€😀' }] },
      { q: '"quoted" \\ back\nline\u0001' },
    ]) {
      const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
      expect(checkDocumentLimits(value, { maxDepth: 64, maxBytes: bytes })).toEqual([]);
      expect(checkDocumentLimits(value, { maxDepth: 64, maxBytes: bytes - 1 })).toHaveLength(1);
    }
  });

  it('measures a document without recursion, stopping at the first level past the limit', () => {
    expect(checkDocumentLimits(nested(100_000), { maxDepth: 64 })).toHaveLength(1);
    expect(checkDocumentLimits(nested(63), { maxDepth: 64 })).toEqual([]);
  });

  it('applies the same limits to the apply and plan commands, at the spec', () => {
    expect(validateCommand('applyService', { name: 'big', spec: specOf(5000) })).toEqual({
      ok: false,
      errors: [
        {
          path: 'spec.spec.applications',
          reason: '5000 applications exceed the limit of 200 applications per service',
        },
        { path: 'spec', reason: expect.stringContaining('larger than the limit of 262144 bytes') },
      ],
    });
    expect(validateCommand('planPlacement', { spec: specOf(201) })).toMatchObject({
      ok: false,
      errors: [{ path: 'spec.spec.applications' }],
    });
    expect(validateCommand('getService', nested(10_000))).toEqual({
      ok: false,
      errors: [{ path: '', reason: expect.stringContaining('deeper than the limit of 64') }],
    });
  });
});
