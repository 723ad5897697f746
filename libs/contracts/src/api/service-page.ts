import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ServiceSummary } from './service-summary';

/** One page of `GET /v1/services`: pass `next` back as `after` for the following one. */
export class ServicePage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ServiceSummary)
  items: ServiceSummary[];

  /** Absent on the last page. */
  @IsOptional()
  @IsString()
  next?: string;
}
