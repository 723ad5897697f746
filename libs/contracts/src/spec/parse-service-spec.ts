import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldError } from '../validation/field-error';
import { normaliseServiceSpec } from './normalise-service-spec';
import type { NormalisedServiceSpec } from './normalised-service-spec';
import type { ServiceSpec } from './service-spec';
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
  if (format === 'yaml') return readYaml(text);
  if (format === 'json') return readJson(text);
  if (!text.trimStart().startsWith('{')) return readYaml(text);
  const json = readJson(text);
  if (json.ok) return json;
  const yaml = readYaml(text);
  return yaml.ok ? yaml : json;
}

function readYaml(text: string): TextRead {
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
  return { ok: true, document: doc.toJS() };
}

function readJson(text: string): TextRead {
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
