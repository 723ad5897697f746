import { IsIn, IsISO8601, IsString, IsUUID } from 'class-validator';
import { ApiRoles, type ApiRole } from './api-role';
import { IsNullable } from './is-nullable';

/** An API token as `GET /v1/tokens` lists it: never its secret. */
export class ApiTokenView {
  @IsUUID()
  id: string;

  @IsString()
  name: string;

  @IsIn(ApiRoles)
  role: ApiRole;

  @IsISO8601()
  createdAt: string;

  /** null while the token is live. */
  @IsNullable()
  @IsISO8601()
  revokedAt: string | null;

  /** When the token stops being accepted; null for a token that never expires. */
  @IsNullable()
  @IsISO8601()
  expiresAt: string | null;
}

/** The answer of `POST /v1/tokens`: the only place the token's secret ever appears. */
export class CreatedApiToken extends ApiTokenView {
  /** The bearer token itself. */
  @IsString()
  token: string;
}
