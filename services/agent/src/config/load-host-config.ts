import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ValidationFailed, validateHostConfig, type HostConfig } from '@federa/contracts';

/** Reads and validates host.yaml; throws ValidationFailed naming every wrong field (or the file). */
export async function loadHostConfig(path: string): Promise<HostConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationFailed(
      [{ path: '', reason: `cannot read ${path}: ${(error as Error).message}` }],
      'host config',
    );
  }
  let plain: unknown;
  try {
    plain = parseYaml(text);
  } catch (error) {
    throw new ValidationFailed(
      [{ path: '', reason: `not YAML: ${(error as Error).message}` }],
      'host config',
    );
  }
  const result = validateHostConfig(plain);
  if (!result.ok) throw new ValidationFailed(result.errors, `host config ${path}`);
  return result.value;
}
