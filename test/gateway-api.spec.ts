import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, Min } from 'class-validator';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { CommandClient } from '@federa/messaging';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { RequiresRole } from '../services/gateway/src/api/auth/requires-role.decorator';

jest.setTimeout(60_000);

class ScaleRequest {
  @IsInt()
  @Min(0)
  replicas: number;
}

/** Routes standing in for a feature module: a read, a change, and a command to a service nobody runs. */
@Controller('v1/probe')
class ProbeController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  read() {
    return { items: [] };
  }

  @Post('scale')
  scale(@Body() request: ScaleRequest) {
    return { accepted: request.replicas };
  }

  @Post('ask-absent-service')
  @RequiresRole('viewer')
  askAbsentService() {
    return this.commands.send('nobody-serves-this', 'ping', {});
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const adminToken = 'admin-token-for-tests';
let database: FreshDatabase;
let gateway: GatewayApp;

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: string | object; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers,
    body: typeof options.body === 'object' ? JSON.stringify(options.body) : options.body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function createToken(role: string, name?: string): Promise<string> {
  const created = await call('POST', '/v1/tokens', { token: adminToken, body: { role, name } });
  expect(created.status).toBe(201);
  return created.json.token;
}

function expectErrorFormat(json: unknown, code: string) {
  expect(json).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Array) },
  });
}

beforeAll(async () => {
  database = await freshDatabase('gateway_api');
  gateway = await createGatewayApp(
    {
      databaseUrl: database.url,
      natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: adminToken,
      heartbeatMs: 1000,
      subjectPrefix: uniquePrefix('gw'),
      logLevel: 'silent',
      commandTimeoutMs: 500,
      // No backend service runs here: readiness asks Postgres and NATS only.
      readinessServices: [],
    },
    [ProbeModule],
  );
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('gateway authentication', () => {
  it('answers health, readiness and metrics without a token', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready', checks: { postgres: 'up', nats: 'up' } });
    expect((await call('GET', '/metrics')).status).toBe(200);
  });

  it('refuses a /v1 call without a token with 401 in the error format', async () => {
    const response = await call('GET', '/v1/probe');
    expect(response.status).toBe(401);
    expectErrorFormat(response.json, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a wrong token with 401', async () => {
    const response = await call('GET', '/v1/probe', { token: 'not-a-token' });
    expect(response.status).toBe(401);
    expectErrorFormat(response.json, 'unauthorized');
  });

  it('accepts FEDERA_API_TOKEN as an admin token', async () => {
    expect((await call('GET', '/v1/tokens', { token: adminToken })).status).toBe(200);
  });

  it('lets a viewer token read but refuses it a change with 403', async () => {
    const viewer = await createToken('viewer', 'dashboard');
    expect((await call('GET', '/v1/probe', { token: viewer })).status).toBe(200);
    const refused = await call('POST', '/v1/probe/scale', { token: viewer, body: { replicas: 1 } });
    expect(refused.status).toBe(403);
    expectErrorFormat(refused.json, 'forbidden');
    expect(refused.json.error.message).toContain('requires role operator');
  });

  it('lets an operator change things but keeps token management to admins', async () => {
    const operator = await createToken('operator');
    const scaled = await call('POST', '/v1/probe/scale', {
      token: operator,
      body: { replicas: 3 },
    });
    expect(scaled.status).toBe(201);
    expect(scaled.json).toEqual({ accepted: 3 });
    const refused = await call('POST', '/v1/tokens', { token: operator, body: { role: 'admin' } });
    expect(refused.status).toBe(403);
    expectErrorFormat(refused.json, 'forbidden');
  });

  it('stores tokens as their sha256 only and stops accepting a revoked one', async () => {
    const created = await call('POST', '/v1/tokens', {
      token: adminToken,
      body: { role: 'viewer', name: 'short-lived' },
    });
    const { id, token } = created.json;
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT token_hash FROM gateway.api_tokens WHERE id = $1',
        [id],
      );
      expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    } finally {
      await client.end();
    }
    const listed = await call('GET', '/v1/tokens', { token: adminToken });
    expect(listed.text).not.toContain(token);
    expect(listed.json.items).toContainEqual(
      expect.objectContaining({ id, name: 'short-lived', role: 'viewer', revokedAt: null }),
    );

    // Used once, it is remembered as live for a few seconds; its revocation here ends that at once.
    expect((await call('GET', '/v1/probe', { token })).status).not.toBe(401);
    expect((await call('DELETE', `/v1/tokens/${id}`, { token: adminToken })).status).toBe(204);
    const afterRevoke = await call('GET', '/v1/probe', { token });
    expect(afterRevoke.status).toBe(401);
    expectErrorFormat(afterRevoke.json, 'unauthorized');
    const again = await call('DELETE', `/v1/tokens/${id}`, { token: adminToken });
    expect(again.status).toBe(404);
    expectErrorFormat(again.json, 'not_found');
  });
});

describe('gateway error format', () => {
  it('answers an unknown route with 404 in the error format', async () => {
    const response = await call('GET', '/v1/no-such-thing', { token: adminToken });
    expect(response.status).toBe(404);
    expectErrorFormat(response.json, 'not_found');
    expect(response.json.error.message).toContain('/v1/no-such-thing');
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });

  it('answers a malformed JSON body with 400 in the error format', async () => {
    const response = await call('POST', '/v1/tokens', {
      token: adminToken,
      body: '{"role": viewer',
    });
    expect(response.status).toBe(400);
    expectErrorFormat(response.json, 'validation_failed');
    expect(response.json.error.message).toContain('not valid JSON');
  });

  it('lists every validation error with its path and creates nothing', async () => {
    const before = (await call('GET', '/v1/tokens', { token: adminToken })).json.items.length;
    const response = await call('POST', '/v1/tokens', {
      token: adminToken,
      body: { role: 'root', name: 'has spaces', colour: 'blue' },
    });
    expect(response.status).toBe(400);
    expectErrorFormat(response.json, 'validation_failed');
    const paths = response.json.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['colour', 'name', 'role']);
    expect(response.json.error.details).toContainEqual({ path: 'colour', reason: 'unknown key' });
    expect((await call('GET', '/v1/tokens', { token: adminToken })).json.items).toHaveLength(
      before,
    );
  });

  it('refuses a body that is not an object', async () => {
    const response = await call('POST', '/v1/probe/scale', { token: adminToken, body: '[1]' });
    expect(response.status).toBe(400);
    expectErrorFormat(response.json, 'validation_failed');
  });

  it('answers 503 unavailable when the owning service does not answer a command', async () => {
    const response = await call('POST', '/v1/probe/ask-absent-service', { token: adminToken });
    expect(response.status).toBe(503);
    expectErrorFormat(response.json, 'unavailable');
    expect(response.json.error.message).toContain('nobody-serves-this');
  });

  it('echoes the caller’s request id and makes one up otherwise', async () => {
    const given = await call('GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    const made = await call('GET', '/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('gateway documentation and metrics', () => {
  it('serves its OpenAPI document at /docs-json and the UI at /docs without a token', async () => {
    const document = await call('GET', '/docs-json');
    expect(document.status).toBe(200);
    expect(document.json.openapi).toMatch(/^3\./);
    expect(Object.keys(document.json.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/v1/tokens', '/v1/tokens/{id}']),
    );
    expect(document.json.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    const ui = await call('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('counts requests by route pattern and status next to the default process metrics', async () => {
    await call('GET', '/v1/tokens', { token: adminToken });
    await call('GET', '/v1/no-such-thing', { token: adminToken });
    const metrics = await call('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(
      /http_requests_total\{method="GET",route="\/v1\/tokens",status="200"\} \d+/,
    );
    expect(metrics.text).toMatch(
      /http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/,
    );
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });
});
