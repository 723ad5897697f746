import { Type } from 'class-transformer';
import { IsArray, ValidateNested } from 'class-validator';
import { ApiTokenView } from './api-token-view';

/** `GET /v1/tokens`: every token, live and revoked, oldest first. */
export class ApiTokenPage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ApiTokenView)
  items: ApiTokenView[];
}
