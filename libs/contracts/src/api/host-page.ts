import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { HostView } from './host-view';

/** One page of `GET /v1/hosts`: pass `next` back as `after` for the following one. */
export class HostPage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => HostView)
  items: HostView[];

  /** Absent on the last page. */
  @IsOptional()
  @IsString()
  next?: string;
}
