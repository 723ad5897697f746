import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { InstanceSummary } from './instance-summary';

/** One page of `GET /v1/instances`: pass `next` back as `after` for the following one. */
export class InstancePage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InstanceSummary)
  items: InstanceSummary[];

  /** Absent on the last page. */
  @IsOptional()
  @IsString()
  next?: string;
}
