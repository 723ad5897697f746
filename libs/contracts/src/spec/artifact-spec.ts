import {
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
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
 * `qemu`/`libvirt`: a disk `image` (qemu may run firmware-only without one), extra `args`,
 * or a libvirt `domainXml`; `sim` needs nothing.
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
}
