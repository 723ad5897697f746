import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';

function IsStringRecord(): PropertyDecorator {
  return ValidateBy({
    name: 'isStringRecord',
    validator: {
      validate: (value: unknown) =>
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string'),
      defaultMessage: () => 'must be an object of string values',
    },
  });
}

/**
 * What the layer runs. `process`: `command` (argv) with optional `env` and `cwd`;
 * `qemu`/`libvirt`: a disk `image` (qemu may run firmware-only without one), guest `memoryMiB`,
 * a qemu `diskSize`, extra `args`, or a libvirt `domainXml`; `sim` needs nothing.
 */
export class ArtifactSpec {
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  command?: string[];

  @IsOptional()
  @IsObject()
  @IsStringRecord()
  env?: Record<string, string>;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  cwd?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  image?: string;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  args?: string[];

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  domainXml?: string;

  /** Guest memory of a virtual machine, as the qemu and libvirt layers read it (they default to 128). */
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(1_048_576)
  memoryMiB?: number;

  /** Virtual size of a qemu instance's disk, in the qemu layer's notation (`512Mi`, `1Gi`). */
  @IsOptional()
  @IsString()
  @Matches(/^[1-9][0-9]*(Ki|Mi|Gi|Ti)?$/, { message: 'must be a size such as 512Mi or 1Gi' })
  diskSize?: string;
}
