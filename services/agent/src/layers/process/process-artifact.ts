import type { FieldError } from '@federa/contracts';

/** What the process layer runs: `{ command: [program, ...args], cwd? }`. */
export interface ProcessArtifact {
  command: string[];
  /** Working directory; relative paths in `command` resolve from it. @default the agent's working directory */
  cwd?: string;
}

/** The errors of a process artifact, each with its path under `artifact`. */
export function processArtifactErrors(artifact: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const command = artifact.command;
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    !command.every((part) => typeof part === 'string' && part !== '')
  ) {
    errors.push({
      path: 'artifact.command',
      reason: 'must be a non-empty list of non-empty strings',
    });
  }
  if (artifact.cwd !== undefined && (typeof artifact.cwd !== 'string' || artifact.cwd === '')) {
    errors.push({ path: 'artifact.cwd', reason: 'must be a directory path' });
  }
  for (const key of Object.keys(artifact)) {
    if (key !== 'command' && key !== 'cwd')
      errors.push({ path: `artifact.${key}`, reason: 'unknown key' });
  }
  return errors;
}
