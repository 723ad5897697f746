import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldError } from '../validation/field-error';
import type { Validated } from '../validation/validate';
import type { ServiceSpec } from './service-spec';
import { validateServiceSpec } from './validate-service-spec';

export type SpecFormat = 'yaml' | 'json';

/**
 * Reads a spec from YAML or JSON text (guessed from the first character when no format is given)
 * and validates it; syntax errors are reported with their line and column.
 */
export function parseServiceSpec(text: string, format?: SpecFormat): Validated<ServiceSpec> {
  const chosen = format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  const read = chosen === 'json' ? readJson(text) : readYaml(text);
  if (!read.ok) return read;
  return validateServiceSpec(read.value);
}

function readYaml(text: string): Validated<unknown> {
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
  return { ok: true, value: doc.toJS() };
}

function readJson(text: string): Validated<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
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
