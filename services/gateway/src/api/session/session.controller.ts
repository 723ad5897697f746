import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Optional,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, FederaError, tokenActor } from '@federa/contracts';
import type { Request, Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../gateway-config';
import { TokenRepository } from '../../infrastructure/tokens/token-repository';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Public, RequiresRole } from '../auth/requires-role.decorator';
import { TokenAuthentication } from '../auth/token-authentication';
import { ApiContractBody, ApiContractResponse } from '../openapi/api-contract.decorators';
import { FailedAuthentications } from '../rate-limit/failed-authentications';
import { clearedSessionCookie, sessionCookie } from './session-cookie';
import { sessionDefaults } from './session-config';
import { sessionExpiry } from './session-lifetime';
import { SessionStore, type StoredSession } from './session-store';
import { SessionRequest, SessionView } from './session-view';

/**
 * Browser sign-in: an API token exchanged for an HttpOnly, SameSite=Strict session cookie and a
 * CSRF token, since a page cannot send a bearer header on an EventSource and must not keep a
 * long-lived token where scripts read it.
 */
@ApiTags('session')
@Controller('v1/session')
export class SessionController {
  private readonly authentication: TokenAuthentication;

  constructor(
    tokens: TokenRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly sessions: SessionStore,
    @Optional() failures?: FailedAuthentications,
  ) {
    this.authentication = new TokenAuthentication(tokens, config, failures);
  }

  @Post()
  @Public()
  // The answers carry the CSRF token: kept out of the browser's cache and any shared proxy's.
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Sign in: exchange an API token for the session cookie federa_session (HttpOnly, SameSite=Strict) and a CSRF token',
  })
  @ApiContractBody(SessionRequest, { description: 'The API token to sign in with' })
  @ApiContractResponse(200, SessionView, 'The session; the cookie is in Set-Cookie')
  async signIn(
    @Body() body: SessionRequest,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionView> {
    const principal = await this.authentication.principalOf(body.token, request, response);
    const ttlMs = (this.config.session ?? sessionDefaults).ttlMs;
    const expiresAt = sessionExpiry(new Date(), ttlMs, principal.tokenExpiresAt ?? null);
    const { id, session } = await this.sessions.open(principal, expiresAt);
    response.setHeader('Set-Cookie', sessionCookie(id, expiresAt, this.secure(request)));
    return viewOf(session);
  }

  @Get()
  @RequiresRole('viewer')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The session of the request's cookie (401 without one)" })
  @ApiContractResponse(200, SessionView, 'The session')
  current(@CurrentPrincipal() principal: Principal | undefined): SessionView {
    const session = principal?.session;
    if (!principal || !session)
      throw new FederaError(
        ErrorCodes.unauthorized,
        'no session cookie: sign in with POST /v1/session',
      );
    return {
      actor: tokenActor(principal.name),
      role: principal.role,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  }

  @Delete()
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  // Signing out is no change to the plane: any role may, with its CSRF token.
  @RequiresRole('viewer')
  @ApiOperation({ summary: 'Sign out: end the session and clear its cookie' })
  @ApiNoContentResponse({ description: 'Ended; no body' })
  async signOut(
    @CurrentPrincipal() principal: Principal | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    if (principal?.session) await this.sessions.end(principal.session.hash);
    response.setHeader('Set-Cookie', clearedSessionCookie(this.secure(request)));
  }

  /** Secure when the browser reached us over TLS, or when told so (TLS ended by a proxy). */
  private secure(request: Request): boolean {
    return request.secure || (this.config.session ?? sessionDefaults).secureCookie;
  }
}

function viewOf(session: StoredSession): SessionView {
  return {
    actor: tokenActor(session.tokenName),
    role: session.role,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
}
