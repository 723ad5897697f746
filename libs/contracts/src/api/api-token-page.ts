import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ApiTokenView } from './api-token-view';

/** `GET /v1/tokens`: a page of tokens, live and revoked, oldest first. */
export class ApiTokenPage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ApiTokenView)
  items: ApiTokenView[];

  /** Pass as `after` for the next page; absent on the last. */
  @IsOptional()
  @IsString()
  next?: string;
}
