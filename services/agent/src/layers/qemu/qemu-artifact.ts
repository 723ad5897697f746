import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ValidationFailed, validatePayload, type FieldError } from '@federa/contracts';

/** The qemu layer's artifact: `{ image?, diskSize?, memoryMiB?, port? }` (a service spec's `artifact`). */
export class QemuArtifact {
  /** A base image (any format qemu-img reads) that backs the instance's qcow2 overlay. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  image?: string;

  /** Virtual size of the instance's disk, e.g. `1Gi`; with no image and no size the VM has no disk. */
  @IsOptional()
  @IsString()
  @Matches(/^[1-9][0-9]*(Ki|Mi|Gi|Ti)?$/, { message: 'must be a size such as 512Mi or 1Gi' })
  diskSize?: string;

  /**
   * The TCP port the guest's application listens on: the VM gets user-mode networking with it
   * forwarded from a free host port (its endpoint), and reaches the agent's discovery server.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  /** Guest memory; @default 128 */
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(1_048_576)
  memoryMiB?: number;
}

/** Every reason `artifact` is not a valid qemu artifact, each with its path (`artifact.memoryMiB`). */
export function qemuArtifactErrors(artifact: unknown): FieldError[] {
  const result = validatePayload(QemuArtifact, artifact ?? {});
  return result.ok ? [] : result.errors.map(underArtifact);
}

/** Validates a qemu artifact; throws ValidationFailed naming every bad field (`artifact.memoryMiB`). */
export function parseQemuArtifact(artifact: unknown): QemuArtifact {
  const result = validatePayload(QemuArtifact, artifact ?? {});
  if (result.ok) return result.value;
  throw new ValidationFailed(result.errors.map(underArtifact), 'qemu artifact');
}

function underArtifact(error: FieldError): FieldError {
  return { ...error, path: error.path ? `artifact.${error.path}` : 'artifact' };
}

/** `1Gi` → bytes, as qemu-img expects a byte count. */
export function diskSizeBytes(size: string): number {
  const match = /^([0-9]+)(Ki|Mi|Gi|Ti)?$/.exec(size);
  if (!match) throw new Error(`not a disk size: ${size}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * unit;
}
