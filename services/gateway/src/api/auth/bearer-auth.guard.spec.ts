import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { ApiTokenView } from '@federa/contracts';
import type { GatewayConfig } from '../../gateway-config';
import type { TokenRepository } from '../../infrastructure/tokens/token-repository';
import { FailedAuthentications } from '../rate-limit/failed-authentications';
import { sessionHash, type SessionStore, type StoredSession } from '../session/session-store';
import { BearerAuthGuard } from './bearer-auth.guard';

/** A token table of one token, counting the look-ups that would each be a Postgres query. */
class CountingTokens {
  lookups = 0;
  verified = false;
  constructor(
    private readonly secret: string,
    private readonly token: ApiTokenView,
  ) {}
  findActive(token: string): Promise<ApiTokenView | undefined> {
    this.lookups++;
    if (token !== this.secret) return Promise.resolve(undefined);
    this.verified = true;
    return Promise.resolve(this.token);
  }
  findVerified(token: string): ApiTokenView | undefined {
    return this.verified && token === this.secret ? this.token : undefined;
  }
}

const viewer: ApiTokenView = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'good',
  role: 'viewer',
  createdAt: '2026-01-01T00:00:00.000Z',
  revokedAt: null,
  expiresAt: null,
};

/** A session table of the given sessions, by their ids. */
class KnownSessions {
  constructor(private readonly byId: Record<string, Omit<StoredSession, 'hash'>>) {}
  find(hash: string): Promise<StoredSession | undefined> {
    const id = Object.keys(this.byId).find((candidate) => sessionHash(candidate) === hash);
    return Promise.resolve(id ? { ...this.byId[id], hash } : undefined);
  }
}

function requestWith(token: string, method = 'GET', headers: Record<string, string> = {}) {
  return requestWithHeaders(method, { authorization: `Bearer ${token}`, ...headers });
}

function requestWithHeaders(method: string, headers: Record<string, string>) {
  const request = {
    method,
    path: '/v1/hosts',
    ip: '10.0.0.9',
    headers,
    principal: undefined as unknown,
  };
  const response = {
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
  };
  const context = {
    getHandler: () => requestWith,
    getClass: () => CountingTokens,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, response, request };
}

describe('BearerAuthGuard with a failure limit', () => {
  const storage = new ThrottlerStorageService();
  afterAll(() => storage.onApplicationShutdown());

  it('answers an address past its limit with 429 without looking its token up', async () => {
    const config = { rateLimit: { limit: 3, windowMs: 60_000 } } as GatewayConfig;
    const tokens = new CountingTokens('fed_good', viewer);
    const guard = new BearerAuthGuard(
      new Reflector(),
      tokens as unknown as TokenRepository,
      config,
      new KnownSessions({}) as unknown as SessionStore,
      new FailedAuthentications(storage, config),
    );
    const codes: string[] = [];
    await guard.canActivate(requestWith('fed_good').context);
    for (let i = 0; i < 10; i++) {
      const { context, response } = requestWith(`fed_guess-${i}`);
      const error = await guard.canActivate(context).catch((e: { code: string }) => e);
      codes.push((error as { code: string }).code);
      if (i >= 4) expect(Number(response.headers['Retry-After'])).toBeGreaterThan(0);
    }
    expect(codes).toEqual([...Array(3).fill('unauthorized'), ...Array(7).fill('rate_limited')]);
    // One look-up for the good token, one per counted failure and the one that found the limit.
    expect(tokens.lookups).toBe(1 + 4);
    // A token verified moments ago still passes from the blocked address, without a look-up.
    expect(await guard.canActivate(requestWith('fed_good').context)).toBe(true);
    expect(tokens.lookups).toBe(5);
  });

  it('lets a session found live moments ago through from a blocked address, and no other', async () => {
    const config = { rateLimit: { limit: 2, windowMs: 60_000 } } as GatewayConfig;
    const session = {
      tokenId: viewer.id,
      tokenName: 'good',
      role: 'viewer' as const,
      csrfToken: 'csrf',
      expiresAt: '2999-01-01T00:00:00.000Z',
    };
    const guard = new BearerAuthGuard(
      new Reflector(),
      new CountingTokens('fed_good', viewer) as unknown as TokenRepository,
      config,
      new KnownSessions({ live: session, 'never-used': session }) as unknown as SessionStore,
      new FailedAuthentications(new ThrottlerStorageService(), config),
    );
    const cookie = (id: string) => requestWithHeaders('GET', { cookie: `federa_session=${id}` });
    const codeOf = (id: string) =>
      guard.canActivate(cookie(id).context).then(
        () => 'allowed',
        (error: { code: string }) => error.code,
      );
    expect(await codeOf('live')).toBe('allowed');
    for (let i = 0; i < 4; i++) await codeOf(`guess-${i}`);
    expect(await codeOf('guess-next')).toBe('rate_limited');
    expect(await codeOf('live')).toBe('allowed');
    // Live too, but not found moments ago: refused before any look-up, as an unverified token.
    expect(await codeOf('never-used')).toBe('rate_limited');
  });
});

describe('BearerAuthGuard with a session cookie', () => {
  const operatorSession = {
    tokenId: viewer.id,
    tokenName: 'ops',
    role: 'operator' as const,
    csrfToken: 'csrf-of-live',
    expiresAt: '2999-01-01T00:00:00.000Z',
  };
  const sessions = new KnownSessions({
    live: operatorSession,
    viewing: { ...operatorSession, role: 'viewer', csrfToken: 'csrf-of-viewing' },
    ended: { ...operatorSession, expiresAt: '2001-01-01T00:00:00.000Z' },
  });
  const guard = new BearerAuthGuard(
    new Reflector(),
    new CountingTokens('fed_good', viewer) as unknown as TokenRepository,
    {} as GatewayConfig,
    sessions as unknown as SessionStore,
  );
  const withCookie = (id: string, method: string, headers: Record<string, string> = {}) =>
    requestWithHeaders(method, { cookie: `federa_session=${id}`, ...headers });
  const refusalOf = (context: ExecutionContext) =>
    guard.canActivate(context).then(
      () => undefined,
      (error: { code: string }) => error.code,
    );

  it('lets a read through without a CSRF token, as the token that opened the session', async () => {
    const { context, request } = withCookie('live', 'GET');
    expect(await guard.canActivate(context)).toBe(true);
    expect(request.principal).toMatchObject({ name: 'ops', role: 'operator', tokenId: viewer.id });
  });

  it('refuses a change without the CSRF token with 403 csrf', async () => {
    expect(await refusalOf(withCookie('live', 'POST').context)).toBe('csrf');
    expect(await refusalOf(withCookie('live', 'DELETE').context)).toBe('csrf');
  });

  it('refuses a change with another CSRF token with 403 csrf', async () => {
    const { context } = withCookie('live', 'POST', { 'x-csrf-token': 'csrf-of-another' });
    expect(await refusalOf(context)).toBe('csrf');
  });

  it("lets a change through with the session's CSRF token", async () => {
    const { context } = withCookie('live', 'POST', { 'x-csrf-token': 'csrf-of-live' });
    expect(await guard.canActivate(context)).toBe(true);
  });

  it("refuses a viewer's change with 403 forbidden even with the session's CSRF token", async () => {
    const { context } = withCookie('viewing', 'POST', { 'x-csrf-token': 'csrf-of-viewing' });
    expect(await refusalOf(context)).toBe('forbidden');
  });

  it('lets a HEAD through without a CSRF token, as a read', async () => {
    expect(await guard.canActivate(withCookie('live', 'HEAD').context)).toBe(true);
  });

  it('refuses an OPTIONS without the CSRF token with 403 csrf: only GET and HEAD skip it', async () => {
    expect(await refusalOf(withCookie('live', 'OPTIONS').context)).toBe('csrf');
  });

  it('refuses an expired session with 401, even for a read', async () => {
    expect(await refusalOf(withCookie('ended', 'GET').context)).toBe('unauthorized');
  });

  it('refuses an unknown session with 401', async () => {
    expect(await refusalOf(withCookie('guessed', 'GET').context)).toBe('unauthorized');
  });

  it('takes a bearer token over a cookie, and asks no CSRF token of it', async () => {
    const { context, request } = requestWith('fed_good', 'POST', {
      cookie: 'federa_session=guessed',
    });
    // A viewer token on a change: refused for its role, not for the cookie or a CSRF token.
    expect(await refusalOf(context)).toBe('forbidden');
    expect(request.principal).toBeUndefined();
  });
});
