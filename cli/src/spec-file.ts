import { ErrorCodes, FederaError, parseServiceSpec, type ServiceSpec } from '@federa/contracts';
import { readFileSync } from 'node:fs';

/**
 * A service spec file (YAML or JSON), checked as the API checks it before anything is sent;
 * an unreadable file, a syntax error or an invalid spec says why, every error with its path.
 */
export function readSpecFile(file: string): ServiceSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FederaError(
      ErrorCodes.validation,
      `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  const parsed = parseServiceSpec(text);
  if (parsed.ok) return parsed.value.spec;
  throw new FederaError(
    ErrorCodes.validation,
    parsed.stage === 'syntax' ? `${file} is not valid YAML or JSON` : `invalid spec in ${file}`,
    parsed.errors,
  );
}
