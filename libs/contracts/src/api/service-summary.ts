import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';
import { ServiceStates, type ServiceState } from '../names/service-state';
import { ApplicationSummary } from './application-summary';
import { ServiceProbeSummary } from './service-probe-summary';

/** A service as `GET /v1/services/{name}` and its life-cycle actions answer it (supervision's view). */
export class ServiceSummary {
  @IsResourceName()
  name: string;

  @IsIn(ServiceStates)
  state: ServiceState;

  /** The latest applied spec: 1 for the first, +1 per change. */
  @IsInt()
  @Min(0)
  revision: number;

  /** The revision the last deploy rolled out (0: never deployed). */
  @IsInt()
  @Min(0)
  deployedRevision: number;

  /** The service this one is a copy of. */
  @IsOptional()
  @IsResourceName()
  copiedFrom?: string;

  /** Applications in the order they start (stop is the reverse). */
  @IsArray()
  @IsString({ each: true })
  startOrder: string[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ApplicationSummary)
  applications: ApplicationSummary[];

  /** The end-to-end probe, when the spec declares one (spec.serviceProbe). */
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceProbeSummary)
  probe?: ServiceProbeSummary;
}
