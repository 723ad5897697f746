import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ValidationFailed, validatePayload, type FieldError } from '@federa/contracts';

/** The libvirt layer's artifact: a disk image and sizes, from which the domain XML is generated. */
export class LibvirtArtifact {
  /** A complete domain XML used as it is; its `<name>` must be the instance's name. */
  @IsOptional()
  @IsString()
  @Matches(/<domain[\s>]/, { message: 'must be a libvirt domain XML' })
  xml?: string;

  /** A disk image (qcow2) attached as the domain's first disk. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  image?: string;

  /** Guest memory; @default 128 */
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(1_048_576)
  memoryMiB?: number;

  /** Virtual CPUs; @default 1 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  vcpus?: number;
}

/** Every reason `artifact` is not a valid libvirt artifact, each with its path (`artifact.vcpus`). */
export function libvirtArtifactErrors(artifact: unknown): FieldError[] {
  const result = validatePayload(LibvirtArtifact, artifact ?? {});
  return result.ok ? [] : result.errors.map(underArtifact);
}

/** Validates a libvirt artifact for `instance`; throws ValidationFailed naming every bad field. */
export function parseLibvirtArtifact(artifact: unknown, instance: string): LibvirtArtifact {
  const result = validatePayload(LibvirtArtifact, artifact ?? {});
  const errors = result.ok ? [] : result.errors.map(underArtifact);
  const xml = result.ok ? result.value.xml : undefined;
  if (xml !== undefined && !xml.includes(`<name>${instance}</name>`)) {
    errors.push({ path: 'artifact.xml', reason: `must name the domain <name>${instance}</name>` });
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(instance)) {
    errors.push({
      path: 'instance',
      reason: 'must be a libvirt domain name (letters, digits, _ . -)',
    });
  }
  if (!result.ok || errors.length > 0) throw new ValidationFailed(errors, 'libvirt artifact');
  return result.value;
}

function underArtifact(error: FieldError): FieldError {
  return { ...error, path: error.path ? `artifact.${error.path}` : 'artifact' };
}
