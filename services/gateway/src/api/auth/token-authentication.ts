import { ErrorCodes, FederaError } from '@federa/contracts';
import type { Request, Response } from 'express';
import type { GatewayConfig } from '../../gateway-config';
import { hashApiToken, sameTokenHash } from '../../domain/api-token';
import { tokenExpired } from '../../domain/token-expiry';
import type { TokenRepository } from '../../infrastructure/tokens/token-repository';
import type { FailedAuthentications } from '../rate-limit/failed-authentications';
import type { Principal } from './principal';

/**
 * Who a token or a session is: FEDERA_API_TOKEN is an admin token as is, any other token must be a
 * live (neither revoked nor expired) one of `gateway.api_tokens`. Refusals count against the
 * caller's address (FailedAuthentications, when the rate limit is on), whether the secret came as a
 * bearer header, in a sign-in body or as a session cookie: each is a guess that costs a query.
 */
export class TokenAuthentication {
  /** FEDERA_API_TOKEN's hash, computed once rather than on every request. */
  private adminHash: { of: string; hash: string } | undefined;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly config: GatewayConfig,
    private readonly failures?: FailedAuthentications,
  ) {}

  /** The principal of `token`, or the refusal (401, 429 past the failure limit, 503) to throw. */
  async principalOf(
    token: string | undefined,
    request: Request,
    response: Response,
  ): Promise<Principal> {
    // An address past its failure limit is answered before its token is looked up in Postgres:
    // only a token that needs no look-up (FEDERA_API_TOKEN, one verified moments ago) passes.
    const blocked = this.failures?.blocked(request, response);
    if (blocked) {
      const known = this.principalWithoutLookup(token);
      if (!known) throw blocked;
      return known;
    }
    return this.counted(request, response, () => this.lookUp(token));
  }

  /**
   * `authenticate`'s principal, its 401 counted as a failure of this address; refused at once
   * (429) while the address is past its limit, for whatever `authenticate` would have looked up,
   * unless `knownLive` (a session found live moments ago, as a verified token passes): then it is
   * looked up, and its refusal is the 429.
   */
  async counted(
    request: Request,
    response: Response,
    authenticate: () => Promise<Principal>,
    knownLive = false,
  ): Promise<Principal> {
    const blocked = this.failures?.blocked(request, response);
    if (blocked && !knownLive) throw blocked;
    try {
      return await authenticate();
    } catch (error) {
      if (blocked) throw blocked;
      if (
        !this.failures ||
        !(error instanceof FederaError) ||
        error.code !== ErrorCodes.unauthorized
      )
        throw error;
      throw await this.failures.refusal(request, response, error);
    }
  }

  /** The principal of a token known without asking Postgres, if it is one and live. */
  private principalWithoutLookup(token: string | undefined): Principal | undefined {
    if (!token) return undefined;
    if (this.config.apiToken && this.isAdminToken(token)) return { ...adminPrincipal };
    const known = this.tokens.findVerified(token);
    if (!known || tokenExpired(known.expiresAt, Date.now())) return undefined;
    return {
      role: known.role,
      name: known.name,
      tokenId: known.id,
      tokenExpiresAt: known.expiresAt,
    };
  }

  private async lookUp(token: string | undefined): Promise<Principal> {
    if (!token) {
      throw new FederaError(
        ErrorCodes.unauthorized,
        'missing bearer token (Authorization: Bearer <token>) or session cookie',
      );
    }
    if (this.config.apiToken && this.isAdminToken(token)) return { ...adminPrincipal };
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
    // Said apart from an unknown token: its holder knows which token to renew.
    if (tokenExpired(stored.expiresAt, Date.now()))
      throw new FederaError(
        ErrorCodes.unauthorized,
        `token expired (${stored.name}, at ${stored.expiresAt})`,
      );
    return {
      role: stored.role,
      name: stored.name,
      tokenId: stored.id,
      tokenExpiresAt: stored.expiresAt,
    };
  }

  private isAdminToken(token: string): boolean {
    const admin = this.config.apiToken ?? '';
    if (this.adminHash?.of !== admin) this.adminHash = { of: admin, hash: hashApiToken(admin) };
    return sameTokenHash(hashApiToken(token), this.adminHash.hash);
  }
}

/** FEDERA_API_TOKEN's principal: `token:admin` in the audit, and it never expires. */
const adminPrincipal: Principal = { role: 'admin', name: 'admin', tokenExpiresAt: null };
