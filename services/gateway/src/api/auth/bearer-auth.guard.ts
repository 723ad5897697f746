import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCodes, FederaError } from '@federa/contracts';
import type { Request } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import { bearerToken, hashApiToken, sameTokenHash } from '../../domain/api-token';
import { requiredRole, roleSatisfies, type Role } from '../../domain/role';
import type { Principal, RequestWithPrincipal } from './principal';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './requires-role.decorator';
import { TokenRepository } from '../../infrastructure/tokens/token-repository';

/**
 * Every route needs a bearer token unless marked @Public(): FEDERA_API_TOKEN is an admin token as
 * is, any other token must be a live one of `gateway.api_tokens`, and its role must reach the
 * route's (@RequiresRole, or viewer for reads and operator for changes).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new FederaError(
        ErrorCodes.unauthorized,
        'missing bearer token (Authorization: Bearer <token>)',
      );
    }
    const principal = await this.authenticate(token);
    const required = requiredRole(
      request.method,
      this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets),
    );
    if (!roleSatisfies(principal.role, required)) {
      throw new FederaError(
        ErrorCodes.forbidden,
        `${request.method} ${request.path} requires role ${required}; this token has role ${principal.role}`,
        [{ required, held: principal.role }],
      );
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(token: string): Promise<Principal> {
    if (this.config.apiToken && this.isAdminToken(token)) {
      return { role: 'admin', name: 'admin' };
    }
    let stored;
    try {
      stored = await this.tokens.findActive(token);
    } catch (error) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `cannot check the token: Postgres does not answer (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (!stored) throw new FederaError(ErrorCodes.unauthorized, 'invalid or revoked bearer token');
    return { role: stored.role, name: stored.name, tokenId: stored.id };
  }

  /** FEDERA_API_TOKEN's hash, computed once rather than on every request. */
  private adminHash: { of: string; hash: string } | undefined;

  private isAdminToken(token: string): boolean {
    const admin = this.config.apiToken ?? '';
    if (this.adminHash?.of !== admin) this.adminHash = { of: admin, hash: hashApiToken(admin) };
    return sameTokenHash(hashApiToken(token), this.adminHash.hash);
  }
}
