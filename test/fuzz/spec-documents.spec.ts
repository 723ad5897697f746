import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as yamlText, parse as parseYaml } from 'yaml';
import { parseServiceSpec, type FieldError, type ServiceSpecParse } from '@federa/contracts';
import {
  addsNewKey,
  anyJson,
  applyMutation,
  fuzz,
  mutatedPaths,
  mutationOf,
  errorsNameMutation,
  type Mutation,
} from './fuzz-run';

const shopYaml = readFileSync(join(__dirname, '../../examples/shop.yaml'), 'utf8');
const shop: unknown = parseYaml(shopYaml);

/** Runs the parser, failing the case on anything thrown (the parser answers, it never throws). */
function parse(source: unknown, format?: 'yaml' | 'json'): ServiceSpecParse {
  try {
    return parseServiceSpec(source, format);
  } catch (error) {
    throw new Error(`parseServiceSpec threw ${String(error)}`);
  }
}

function expectWellFormed(errors: FieldError[]): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(typeof error.path).toBe('string');
    expect(typeof error.reason).toBe('string');
    expect(error.reason.length).toBeGreaterThan(0);
  }
}

/**
 * A refusal of a document that is an object names a field in every error, unless the document as
 * a whole broke a limit (depth, size), which is said at the root.
 */
function expectFieldsNamed(result: ServiceSpecParse): void {
  if (result.ok) return;
  expectWellFormed(result.errors);
  if (result.stage !== 'spec') return;
  const document = result.document;
  const isObject = document !== null && typeof document === 'object' && !Array.isArray(document);
  for (const error of result.errors) {
    if (error.path === '')
      expect(isObject ? error.reason : 'must be an object').toMatch(
        /limit|must be an object|deeper/,
      );
  }
}

/** A mutation that can never be valid: a key the contract does not know, new where it lands. */
function mustBeRefused(mutation: Mutation): boolean {
  return addsNewKey(shop, mutation);
}

function checkMutated(mutation: Mutation, result: ServiceSpecParse): void {
  if (result.ok) {
    expect(mustBeRefused(mutation)).toBe(false);
    return;
  }
  expectFieldsNamed(result);
  const paths = result.errors.map((e) => e.path);
  if (!errorsNameMutation(paths, mutation))
    throw new Error(
      `no error names ${mutatedPaths(mutation).join(' or ')}: ${JSON.stringify(result.errors).slice(0, 500)}`,
    );
}

/** Tokens YAML reads in unusual ways: anchors and aliases, merges, tags, flow collections, scalars. */
const yamlToken = fc.oneof(
  fc.constantFrom(
    '&a ',
    '*a',
    '&b ',
    '*b',
    '<<: *a\n',
    '<<: ',
    '!!binary ',
    '!!timestamp ',
    '!!set ',
    '!!omap ',
    '!!map ',
    '!!seq ',
    '!!int ',
    '!!float ',
    '!!str ',
    '!!bool ',
    '!!null ',
    '!custom ',
    '? ',
    '{',
    '}',
    '[',
    ']',
    ', ',
    ': ',
    '- ',
    '\n',
    '\n  ',
    '\n    ',
    '---\n',
    '...\n',
    '%YAML 1.1\n',
    '"',
    "'",
    '|\n  ',
    '>\n  ',
    '# c\n',
    '1e400',
    '-1e400',
    '0x7fffffffffffffffffff',
    '0o777',
    '123456789012345678901234567890',
    '.nan',
    '.inf',
    '~',
    'null',
    'yes',
    'on',
    '2001-12-14t21:59:43.10-05:00',
    'apiVersion: federa/v1\n',
    'kind: Service\n',
    'metadata: ',
    'spec: ',
    'applications: ',
    'name: a\n',
    'resources: ',
    'cpu: ',
    'memory: ',
    '__proto__: ',
    'constructor: ',
    '\u202e',
    '\u0000',
    '\ufeff',
    '💥',
    '\t',
  ),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const yamlSoup = fc.array(yamlToken, { maxLength: 40 }).map((tokens) => tokens.join(''));

/** A valid head with a soup in the middle of the spec, so that the soup reaches the validator. */
const yamlInSpec = yamlSoup.map(
  (soup) =>
    `apiVersion: federa/v1\nkind: Service\nmetadata: { name: s }\nspec:\n  applications:\n    - name: a\n      layer: sim\n      resources: ${soup}\n`,
);

/** Documents nested from a little under to far past the depth limit, in JSON and YAML. */
const deepText = fc
  .record({
    depth: fc.integer({ min: 55, max: 3000 }),
    style: fc.constantFrom('json-array', 'json-object', 'yaml-block', 'yaml-flow', 'yaml-seq'),
  })
  .map(({ depth, style }) => {
    switch (style) {
      case 'json-array':
        return `{"apiVersion":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      case 'json-object':
        return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      case 'yaml-block':
        return Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
      case 'yaml-flow':
        return `spec: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
      default:
        return `metadata:\n  ${'- '.repeat(depth)}x\n`;
    }
  });

describe('fuzz: service spec documents (parseServiceSpec)', () => {
  it('answers any JSON value, as a document and as JSON and YAML text, with errors that each say where and why', async () => {
    await fuzz(
      'spec: arbitrary JSON values',
      fc.property(anyJson, (value) => {
        const asDocument = parse(value);
        expect(asDocument.ok).toBe(false);
        expectFieldsNamed(asDocument);
        const text = JSON.stringify(value) ?? 'null';
        expectFieldsNamed(parse(text));
        expectFieldsNamed(parse(text, 'json'));
        expectFieldsNamed(parse(yamlText(value) ?? '', 'yaml'));
      }),
      500,
    );
  });

  it('names the mutated field when one field of the shop spec is replaced, removed, renamed or added, in every form', async () => {
    await fuzz(
      'spec: mutated shop spec',
      fc.property(mutationOf(shop), (mutation) => {
        const document = applyMutation(shop, mutation);
        checkMutated(mutation, parse(document));
        checkMutated(mutation, parse(JSON.stringify(document), 'json'));
        checkMutated(mutation, parse(yamlText(document), 'yaml'));
      }),
      1000,
    );
  });

  it('answers random YAML text (anchors, aliases, merges, tags, odd scalars and unicode) without throwing', async () => {
    await fuzz(
      'spec: random YAML text',
      fc.property(fc.oneof(yamlSoup, yamlInSpec), (text) => {
        const result = parse(text);
        if (!result.ok) expectFieldsNamed(result);
        const asYaml = parse(text, 'yaml');
        if (!asYaml.ok) expectFieldsNamed(asYaml);
      }),
      1500,
    );
  });

  it('refuses text nested past the depth limit at the root, naming the limit, and never exhausts the stack', async () => {
    await fuzz(
      'spec: deep nesting',
      fc.property(deepText, (text) => {
        const result = parse(text);
        expect(result.ok).toBe(false);
        if (!result.ok) expectFieldsNamed(result);
      }),
      60,
    );
  });
});
