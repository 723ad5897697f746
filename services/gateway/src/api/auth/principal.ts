import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { tokenActor, type CommandOrigin } from '@federa/contracts';
import type { Role } from '../../domain/role';

/** A browser session a request came with (its cookie), as the guard found it. */
export interface SessionOfRequest {
  /** sha256 of the session id: the id itself is only ever in the cookie. */
  hash: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Who called: the role of the bearer token and its name, for `actor` in event metadata. A request
 * with a session cookie is its token's: same name, role and id.
 */
export interface Principal {
  role: Role;
  /** The token's name; `admin` for FEDERA_API_TOKEN. */
  name: string;
  /** Id of a stored token; absent for FEDERA_API_TOKEN. */
  tokenId?: string;
  /** When the token stops being accepted (null: never); absent when not known here. */
  tokenExpiresAt?: string | null;
  /** The session, when the request was authenticated by its cookie rather than a bearer token. */
  session?: SessionOfRequest;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}

/** Handler parameter: the Principal the bearer guard authenticated. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<RequestWithPrincipal>().principal,
);

/**
 * Who asked, as the owning service records it (`metadata.actor` `token:<name>`, `actorRole`); none
 * on a public route, where nobody is authenticated.
 */
export function originOf(principal: Principal | undefined): CommandOrigin | undefined {
  return principal ? { actor: tokenActor(principal.name), actorRole: principal.role } : undefined;
}
