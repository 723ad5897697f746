import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, Parser, parseDocument } from 'yaml';
import type { FieldError } from '../validation/field-error';
import { normaliseServiceSpec } from './normalise-service-spec';
import type { NormalisedServiceSpec } from './normalised-service-spec';
import type { ServiceSpec } from './service-spec';
import {
  DEPTH_LIMIT_REASON,
  SpecLimits,
  describeBytes,
  jsonTextDeeperThan,
  utf8Bytes,
} from './spec-limits';
import { validateServiceSpec } from './validate-service-spec';

export type SpecFormat = 'yaml' | 'json';

/** A spec that passed every check: as the user wrote it (what the log records), and normalised. */
export interface ParsedServiceSpec {
  spec: ServiceSpec;
  normalised: NormalisedServiceSpec;
}

/**
 * The answer of parseServiceSpec. A refusal says where it stopped: at `syntax` (the text is not YAML
 * or JSON), or at `spec` (the document breaks the contract; `document` is what the text held, for a
 * boundary that checks it again together with more, such as the name in a request's path).
 */
export type ServiceSpecParse =
  | { ok: true; value: ParsedServiceSpec }
  | { ok: false; stage: 'syntax'; errors: FieldError[] }
  | { ok: false; stage: 'spec'; errors: FieldError[]; document: unknown };

/**
 * The one way to read a service spec (`federa apply -f`, `PUT /v1/services/{name}`, test fixtures):
 * a string is YAML or JSON text (the format guessed from its first character unless given), anything
 * else a document already parsed. Answers the spec and its normalised form, or every error with its
 * path (`spec.applications[0].resources.cpu`; syntax errors with their line and column).
 * Every limit of SpecLimits holds here, whichever boundary calls it: text and JSON size, nesting
 * depth (checked before parsing, so that no document exhausts the stack), YAML aliases, the number
 * of applications and of instances.
 */
export function parseServiceSpec(source: unknown, format?: SpecFormat): ServiceSpecParse {
  let document = source;
  if (typeof source === 'string') {
    const read = readText(source, format);
    if (!read.ok) return { ok: false, stage: 'syntax', errors: read.errors };
    document = read.document;
  }
  const validated = validateServiceSpec(document);
  if (!validated.ok) return { ok: false, stage: 'spec', errors: validated.errors, document };
  return {
    ok: true,
    value: { spec: validated.value, normalised: normaliseServiceSpec(validated.value) },
  };
}

type TextRead = { ok: true; document: unknown } | { ok: false; errors: FieldError[] };

/**
 * Text that starts with `{` is read as JSON first, for JSON's own error positions; when the format
 * was only guessed, a flow mapping that is YAML but not JSON (`{ kind: Service }`) is still read.
 */
function readText(text: string, format: SpecFormat | undefined): TextRead {
  const bytes = utf8Bytes(text);
  if (bytes > SpecLimits.specBytes) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          reason: `the spec text is ${bytes} bytes, over the limit of ${describeBytes(SpecLimits.specBytes)} per spec`,
        },
      ],
    };
  }
  if (format === 'yaml') return readYaml(text);
  if (format === 'json') return readJson(text);
  if (!text.trimStart().startsWith('{')) return readYaml(text);
  const json = readJson(text);
  if (json.ok) return json;
  const yaml = readYaml(text);
  return yaml.ok ? yaml : json;
}

function readYaml(text: string): TextRead {
  // The composer recurses once per level (and a deep enough document crashes the process on its way
  // to an error): the parser's tokens, read without recursion, are measured first.
  if (yamlDeeperThan(text, SpecLimits.nestingDepth + 1)) return depthRefusal();
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return {
          path: '',
          reason: `YAML syntax error at line ${at.line}, column ${at.col}: ${e.message}`,
        };
      }),
    };
  }
  try {
    return { ok: true, document: doc.toJS({ maxAliasCount: SpecLimits.yamlAliases }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return {
      ok: false,
      errors: [
        {
          path: '',
          reason: `YAML aliases expand past the limit of ${SpecLimits.yamlAliases} alias resolutions per document (${error.message})`,
        },
      ],
    };
  }
}

function depthRefusal(): TextRead {
  return { ok: false, errors: [{ path: '', reason: DEPTH_LIMIT_REASON }] };
}

/**
 * Whether YAML text nests deeper than `max`: the depth of the parser's concrete syntax tree (one
 * level per collection and per value inside one), walked with an explicit stack.
 */
function yamlDeeperThan(text: string, max: number): boolean {
  const stack: Array<{ token: unknown; depth: number }> = [];
  for (const token of new Parser().parse(text)) stack.push({ token, depth: 1 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (depth > max) return true;
    if (token === null || typeof token !== 'object') continue;
    const { items, value } = token as { items?: unknown; value?: unknown };
    if (Array.isArray(items)) {
      for (const item of items as Array<Record<string, unknown>>) {
        for (const part of [item.key, item.value]) {
          if (part !== null && typeof part === 'object')
            stack.push({ token: part, depth: depth + 1 });
        }
      }
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      stack.push({ token: value, depth: depth + 1 });
  }
  return false;
}

function readJson(text: string): TextRead {
  if (jsonTextDeeperThan(text, SpecLimits.nestingDepth)) return depthRefusal();
  try {
    return { ok: true, document: JSON.parse(text) };
  } catch (error) {
    return { ok: false, errors: jsonErrors(text, (error as Error).message) };
  }
}

/** JSON.parse names no offset for many errors; jsonc-parser, kept strict, locates every one. */
function jsonErrors(text: string, message: string): FieldError[] {
  const found: ParseError[] = [];
  parseTree(text, found, { disallowComments: true, allowTrailingComma: false });
  if (found.length === 0) return [{ path: '', reason: `JSON syntax error: ${message}` }];
  return found.map((e) => {
    const at = lineAndColumn(text, e.offset);
    return {
      path: '',
      reason: `JSON syntax error at line ${at.line}, column ${at.col}: ${printParseErrorCode(e.error)}`,
    };
  });
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
