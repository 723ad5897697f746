import { ErrorCodes, FederaError } from '@federa/contracts';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/** A service spec file (YAML or JSON) as plain data; unreadable or malformed files say why. */
export function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FederaError(
      ErrorCodes.validation,
      `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FederaError(
      ErrorCodes.validation,
      `${file} is not valid YAML or JSON`,
      doc.errors.map((e) => ({ path: '', reason: e.message.split('\n')[0] })),
    );
  }
  return doc.toJS();
}
