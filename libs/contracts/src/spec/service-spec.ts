import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  Equals,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../names/resource-name';
import { ApplicationSpec } from './application-spec';
import { BudgetSpec } from './budget-spec';
import { RuleSpec } from './rule-spec';
import { ServiceProbeSpec } from './service-probe-spec';

export const SERVICE_API_VERSION = 'federa/v1';
export const SERVICE_KIND = 'Service';

export class ServiceMetadata {
  @IsString()
  @Matches(RESOURCE_NAME, { message: RESOURCE_NAME_RULE })
  name: string;
}

export class ServiceSpecBody {
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ApplicationSpec)
  applications: ApplicationSpec[];

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RuleSpec)
  rules?: RuleSpec[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => BudgetSpec)
  budget?: BudgetSpec;

  /** An end-to-end check: with one, `available` also requires it to pass. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceProbeSpec)
  serviceProbe?: ServiceProbeSpec;
}

/** A service as the user writes it (`federa apply -f`, `PUT /v1/services/{name}`). */
export class ServiceSpec {
  @Equals(SERVICE_API_VERSION, { message: `must be ${SERVICE_API_VERSION}` })
  apiVersion: string;

  @Equals(SERVICE_KIND, { message: `must be ${SERVICE_KIND}` })
  kind: string;

  @IsObject()
  @ValidateNested()
  @Type(() => ServiceMetadata)
  metadata: ServiceMetadata;

  @IsObject()
  @ValidateNested()
  @Type(() => ServiceSpecBody)
  spec: ServiceSpecBody;
}
