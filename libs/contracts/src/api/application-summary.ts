import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';
import { InstanceSummary } from './instance-summary';

/** One application of a service: how many instances it should have, how many are healthy, and its live ones. */
export class ApplicationSummary {
  @IsResourceName()
  name: string;

  /** Instances that should run: replicas.min moved by autoscaling while deployed, else 0. */
  @IsInt()
  @Min(0)
  desired: number;

  @IsInt()
  @Min(0)
  healthy: number;

  @IsInt()
  @Min(0)
  min: number;

  @IsInt()
  @Min(0)
  max: number;

  @IsArray()
  @IsString({ each: true })
  dependsOn: string[];

  /** Why it is short of healthy instances, while deployed. */
  @IsOptional()
  @IsString()
  reason?: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InstanceSummary)
  instances: InstanceSummary[];
}
