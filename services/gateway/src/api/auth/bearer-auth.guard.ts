import {
  Inject,
  Injectable,
  Optional,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FederaError, ErrorCodes } from '@federa/contracts';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import { bearerToken } from '../../domain/api-token';
import { requiredRole, roleSatisfies, type Role } from '../../domain/role';
import type { Principal, RequestWithPrincipal } from './principal';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './requires-role.decorator';
import { TokenRepository } from '../../infrastructure/tokens/token-repository';
import { FailedAuthentications } from '../rate-limit/failed-authentications';
import { SessionStore, sessionHash } from '../session/session-store';
import { sessionIdOfCookies } from '../session/session-cookie';
import { sessionRefusal } from '../session/session-lifetime';
import { TokenAuthentication } from './token-authentication';
import { csrfHeader, csrfRefusal } from './csrf-check';
import { RecentlyLiveSessions } from './recently-live-sessions';

/**
 * Every route needs a bearer token or a browser session's cookie unless marked @Public() (see
 * TokenAuthentication for which tokens pass), and its role must reach the route's (@RequiresRole,
 * or viewer for reads and operator for changes). The bearer header wins over a cookie. A change
 * made with a cookie must carry the session's CSRF token (csrfRefusal).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly authentication: TokenAuthentication;
  private readonly liveSessions = new RecentlyLiveSessions();

  constructor(
    private readonly reflector: Reflector,
    tokens: TokenRepository,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly sessions: SessionStore,
    /** Absent when the rate limit is off (FEDERA_API_RATE_LIMIT=0). */
    @Optional() failures?: FailedAuthentications,
  ) {
    this.authentication = new TokenAuthentication(tokens, config, failures);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const response = context.switchToHttp().getResponse<Response>();
    const token = bearerToken(request.headers.authorization);
    const sessionId = token ? undefined : sessionIdOfCookies(request.headers.cookie);
    const hash = sessionId === undefined ? undefined : sessionHash(sessionId);
    const principal =
      hash === undefined
        ? await this.authentication.principalOf(token, request, response)
        : await this.authentication.counted(
            request,
            response,
            () => this.sessionPrincipal(hash),
            this.liveSessions.knows(hash),
          );
    if (principal.session) {
      const refusal = csrfRefusal(
        request.method,
        request.headers[csrfHeader],
        principal.session.csrfToken,
      );
      if (refusal) throw refusal;
    }
    request.principal = this.authorize(request, targets, principal);
    return true;
  }

  /** The principal of the live session whose id hashes to `hash`: its token's name, id and role. */
  private async sessionPrincipal(hash: string): Promise<Principal> {
    const session = await this.sessions.find(hash);
    const refusal = sessionRefusal(session, Date.now());
    // sessionRefusal refuses a missing session: past this line there is one.
    if (refusal || !session) throw refusal;
    this.liveSessions.remember(hash);
    return {
      role: session.role,
      name: session.tokenName,
      ...(session.tokenId ? { tokenId: session.tokenId } : {}),
      session: { hash: session.hash, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
    };
  }

  /** `principal`, when its role reaches the route's; 403 naming both otherwise. */
  private authorize(
    request: Request,
    targets: Parameters<Reflector['getAllAndOverride']>[1],
    principal: Principal,
  ): Principal {
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
    return principal;
  }
}
