import { Body, Controller, Module, Post } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { IsInt, Min } from 'class-validator';
import { Pool } from 'pg';
import { eventually, uniquePrefix } from '@federa/testing';
import { SessionStore, sessionHash } from '../services/gateway/src/api/session/session-store';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import type { GatewayConfig } from '../services/gateway/src/gateway-config';
import { listenOnCommands } from './command-service';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

jest.setTimeout(60_000);

class ScaleRequest {
  @IsInt()
  @Min(0)
  replicas: number;
}

/** A change for an operator, standing in for the feature modules' POST routes. */
@Controller('v1/probe')
class ProbeController {
  @Post('scale')
  scale(@Body() request: ScaleRequest) {
    return { accepted: request.replicas };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

/** Inventory's host list, with no host: enough for the gateway's GET /v1/hosts to answer. */
@Controller()
class EmptyInventoryController {
  @MessagePattern('cmd.inventory.list-hosts')
  list() {
    return { items: [], next: null };
  }
}

@Module({ controllers: [EmptyInventoryController] })
class EmptyInventoryModule {}

const adminToken = 'session-admin-token';
const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
let log: TestEventLog;
let gateway: GatewayApp;
let inventory: INestMicroservice;

interface Answer {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(
  method: string,
  path: string,
  options: { token?: string; cookie?: string; csrf?: string; body?: object } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  if (options.body) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers,
    body: options.body ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text ? JSON.parse(text) : undefined,
  };
}

/** Signs in with `token`: the cookie to send back (`name=value`) and the answer's body. */
async function signIn(token: string) {
  const answer = await call('POST', '/v1/session', { body: { token } });
  expect(answer.status).toBe(200);
  const [setCookie] = answer.headers.getSetCookie();
  return { cookie: setCookie.split(';')[0], setCookie, session: answer.json };
}

async function createToken(role: string, name: string): Promise<{ id: string; token: string }> {
  const created = await call('POST', '/v1/tokens', { token: adminToken, body: { role, name } });
  expect(created.status).toBe(201);
  return created.json;
}

/** The `data` of each SSE message of an open stream, as they arrive, until `controller` aborts. */
function readStream(response: Response, received: unknown[]): Promise<void> {
  return (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data) received.push(JSON.parse(data.slice(6)));
      }
    }
  })().catch(() => undefined);
}

beforeAll(async () => {
  log = await openTestEventLog('gateway_session');
  const subjectPrefix = uniquePrefix('gwsession');
  inventory = await listenOnCommands(EmptyInventoryModule, 'inventory', { natsUrl, subjectPrefix });
  gateway = await createGatewayApp(
    {
      databaseUrl: log.db.url,
      natsUrl,
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: adminToken,
      heartbeatMs: 1000,
      subjectPrefix,
      logLevel: 'silent',
      readinessServices: [],
    },
    [ProbeModule],
  );
});

afterAll(async () => {
  await gateway?.close();
  await inventory?.close();
  await log?.close();
});

describe('browser sign-in', () => {
  it('exchanges a token for an HttpOnly, SameSite=Strict cookie and a CSRF token', async () => {
    const { token } = await createToken('operator', 'browser-ops');
    const { setCookie, session } = await signIn(token);
    expect(setCookie).toMatch(
      /^federa_session=[\w-]{20,}; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/,
    );
    expect(session).toEqual({
      actor: 'token:browser-ops',
      role: 'operator',
      csrfToken: expect.stringMatching(/^[\w-]{20,}$/),
      expiresAt: expect.any(String),
    });
    // Eight hours by default, the token never expiring.
    const hoursLeft = (Date.parse(session.expiresAt) - Date.now()) / 3600_000;
    expect(Math.round(hoursLeft)).toBe(8);
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const answer = await call('POST', '/v1/session', { body: { token: 'fed_not-a-token' } });
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe('unauthorized');
    expect(answer.headers.getSetCookie()).toEqual([]);
  });

  it('reads with the cookie alone, and answers the session on GET /v1/session', async () => {
    const { token } = await createToken('viewer', 'browser-reader');
    const { cookie, session } = await signIn(token);
    const hosts = await call('GET', '/v1/hosts', { cookie });
    expect(hosts.status).toBe(200);
    expect(hosts.json).toEqual({ items: [], next: null });
    expect((await call('GET', '/v1/session', { cookie })).json).toEqual(session);
    expect((await call('GET', '/v1/session')).status).toBe(401);
  });

  it('refuses a change by cookie without X-CSRF-Token with 403 csrf, and takes it with', async () => {
    const { token } = await createToken('operator', 'browser-changer');
    const { cookie, session } = await signIn(token);
    const body = { replicas: 2 };
    const refused = await call('POST', '/v1/probe/scale', { cookie, body });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('csrf');
    const wrong = await call('POST', '/v1/probe/scale', { cookie, body, csrf: 'not-it' });
    expect(wrong.json.error.code).toBe('csrf');
    const accepted = await call('POST', '/v1/probe/scale', {
      cookie,
      body,
      csrf: session.csrfToken,
    });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toEqual({ accepted: 2 });
  });

  it('lets FEDERA_API_TOKEN sign in as admin', async () => {
    const { cookie, session } = await signIn(adminToken);
    expect(session).toMatchObject({ actor: 'token:admin', role: 'admin' });
    expect((await call('GET', '/v1/tokens', { cookie })).status).toBe(200);
  });

  it('streams events to a cookie, and ends the stream with an error event on sign-out', async () => {
    const { token } = await createToken('viewer', 'browser-feed');
    const { cookie, session } = await signIn(token);
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/events/stream`, {
      headers: { cookie },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const received: unknown[] = [];
    const reading = readStream(response, received);
    await log.store.append('session-feed', 'no-stream', [testEvent('UsageRecorded', { n: 1 })]);
    await eventually(() => received.length === 1);
    expect(received[0]).toMatchObject({ streamId: 'session-feed', data: { n: 1 } });

    const signedOut = await call('DELETE', '/v1/session', { cookie, csrf: session.csrfToken });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.getSetCookie()[0]).toMatch(
      /^federa_session=; .*Expires=Thu, 01 Jan 1970/,
    );
    expect((await call('GET', '/v1/hosts', { cookie })).status).toBe(401);
    // The stream asks about its session every few seconds: then one error event, and it ends.
    await eventually(() => received.length === 2, 20_000);
    expect(received[1]).toMatchObject({ error: { code: 'unauthorized' } });
    await reading;
    controller.abort();
  });

  it('ends the sessions of a revoked token', async () => {
    const { id, token } = await createToken('operator', 'browser-revoked');
    const { cookie } = await signIn(token);
    expect((await call('GET', '/v1/hosts', { cookie })).status).toBe(200);
    expect((await call('DELETE', `/v1/tokens/${id}`, { token: adminToken })).status).toBe(204);
    const refused = await call('GET', '/v1/hosts', { cookie });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('unauthorized');
  });
});

describe('the answers and methods of a session', () => {
  it('keeps the answers that carry the CSRF token out of every cache', async () => {
    const { token } = await createToken('viewer', 'browser-uncached');
    const signedIn = await call('POST', '/v1/session', { body: { token } });
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    const cookie = signedIn.headers.getSetCookie()[0].split(';')[0];
    expect((await call('GET', '/v1/session', { cookie })).headers.get('cache-control')).toBe(
      'no-store',
    );
  });

  it("refuses a viewer's change with 403 forbidden even with the session's CSRF token", async () => {
    const { token } = await createToken('viewer', 'browser-viewer-change');
    const { cookie, session } = await signIn(token);
    const refused = await call('POST', '/v1/probe/scale', {
      cookie,
      body: { replicas: 2 },
      csrf: session.csrfToken,
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('forbidden');
  });

  it('answers a HEAD by cookie without a CSRF token, and no OPTIONS', async () => {
    const { token } = await createToken('viewer', 'browser-methods');
    const { cookie } = await signIn(token);
    expect((await call('HEAD', '/v1/hosts', { cookie })).status).toBe(200);
    const options = await call('OPTIONS', '/v1/hosts', { cookie });
    // No route answers OPTIONS: the 404 comes before any guard, so nothing is read or changed.
    expect(options.status).toBe(404);
  });
});

describe('sessions against their tokens in Postgres', () => {
  let pool: Pool;
  const config = (apiToken: string | undefined) => ({ apiToken }) as GatewayConfig;
  const inAnHour = () => new Date(Date.now() + 3600_000);

  beforeAll(() => {
    pool = new Pool({ connectionString: log.db.url, max: 2 });
  });
  afterAll(() => pool.end());

  it('refuses the session of a revoked token even when stored after the revocation', async () => {
    const { id } = await createToken('operator', 'browser-raced');
    expect((await call('DELETE', `/v1/tokens/${id}`, { token: adminToken })).status).toBe(204);
    // What a sign-in that saw the token live just before could still store: the trigger ran already.
    const sessionId = 'session-stored-after-its-token-was-revoked';
    await pool.query(
      `INSERT INTO gateway.sessions (session_hash, token_id, token_name, role, csrf_token, expires_at)
       VALUES ($1, $2, 'browser-raced', 'operator', 'csrf', $3)`,
      [sessionHash(sessionId), id, inAnHour().toISOString()],
    );
    const refused = await call('GET', '/v1/hosts', { cookie: `federa_session=${sessionId}` });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('unauthorized');
  });

  it('opens no session for a token revoked since it was checked', async () => {
    const { id } = await createToken('operator', 'browser-late');
    expect((await call('DELETE', `/v1/tokens/${id}`, { token: adminToken })).status).toBe(204);
    const store = new SessionStore(pool, config(adminToken));
    await expect(
      store.open({ role: 'operator', name: 'browser-late', tokenId: id }, inAnHour()),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('ends admin sessions once FEDERA_API_TOKEN is rotated or unset', async () => {
    const opened = await new SessionStore(pool, config(adminToken)).open(
      { role: 'admin', name: 'admin', tokenExpiresAt: null },
      inAnHour(),
    );
    const hash = opened.session.hash;
    expect(await new SessionStore(pool, config(adminToken)).find(hash)).toMatchObject({
      role: 'admin',
    });
    expect(await new SessionStore(pool, config('rotated-admin-token')).find(hash)).toBeUndefined();
    expect(await new SessionStore(pool, config(undefined)).find(hash)).toBeUndefined();
  });
});
