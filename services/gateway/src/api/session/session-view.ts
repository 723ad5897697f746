import { IsIn, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Roles, type Role } from '../../domain/role';

/** Body of `POST /v1/session`: the API token to sign in with, exchanged for a cookie. */
export class SessionRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  token: string;
}

/** A browser session: whose it is, the CSRF token its changes carry, and when it ends. */
export class SessionView {
  /** `token:<name>`, as the audit records what this session does. */
  @IsString()
  actor: string;

  @IsIn(Roles as unknown as Role[])
  role: Role;

  /** Sent back in `X-CSRF-Token` with every request that is not GET or HEAD. */
  @IsString()
  csrfToken: string;

  @IsISO8601()
  expiresAt: string;
}
