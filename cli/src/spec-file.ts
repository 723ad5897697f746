import {
  ErrorCodes,
  FederaError,
  SpecLimits,
  describeBytes,
  parseServiceSpec,
  type ServiceSpec,
} from '@federa/contracts';
import { readFileSync, statSync } from 'node:fs';

/**
 * A service spec file (YAML or JSON), checked as the API checks it before anything is sent;
 * an unreadable file, a syntax error or an invalid spec says why, every error with its path. A file
 * larger than a spec may be is refused before it is read, and the spec parser holds every other
 * limit (nesting, YAML aliases, applications, instances).
 */
export function readSpecFile(file: string): ServiceSpec {
  let text: string;
  try {
    const { size } = statSync(file);
    if (size > SpecLimits.specBytes) {
      throw new FederaError(ErrorCodes.validation, `${file} is too large for a spec`, [
        {
          path: '',
          reason: `the file is ${size} bytes, over the limit of ${describeBytes(SpecLimits.specBytes)} per spec`,
        },
      ]);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof FederaError) throw error;
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
