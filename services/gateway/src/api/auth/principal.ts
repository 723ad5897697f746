import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '../../domain/role';

/** Who called: the role of the bearer token and its name, for `actor` in event metadata. */
export interface Principal {
  role: Role;
  /** The token's name; `admin` for FEDERA_API_TOKEN. */
  name: string;
  /** Id of a stored token; absent for FEDERA_API_TOKEN. */
  tokenId?: string;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}

/** Handler parameter: the Principal the bearer guard authenticated. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<RequestWithPrincipal>().principal,
);
