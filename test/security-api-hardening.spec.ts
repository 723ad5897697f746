import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  eventually,
  freePort,
  freshDatabase,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { tokenCommand } from '../cli/src/commands/token';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { runCliCommand } from './cli-in-process';

jest.setTimeout(120_000);

const adminToken = 'hardening-admin-token';
/** Enough for the admin token's own requests in these tests, while the busy token exhausts it. */
const rateLimit = 40;
const bodyLimitBytes = 4096;
let database: FreshDatabase;
let gateway: GatewayApp;

beforeAll(async () => {
  database = await freshDatabase('api_hardening');
  gateway = await createGatewayApp({
    databaseUrl: database.url,
    natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
    httpPort: 0,
    httpHost: '127.0.0.1',
    apiToken: adminToken,
    heartbeatMs: 1000,
    subjectPrefix: uniquePrefix('harden'),
    logLevel: 'silent',
    // A window far longer than the test: a token's count never resets while it runs.
    rateLimit: { limit: rateLimit, windowMs: 600_000 },
    bodyLimitBytes,
  });
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

/** What the gateway answers, read loosely: each test checks the fields it cares about. */
interface Answer {
  token: string;
  createdAt: string;
  expiresAt: string | null;
  items: { id: string; name: string; expiresAt: string | null; revokedAt: string | null }[];
  error: { code: string; message: string; details: unknown[] };
}

async function call(
  path: string,
  token: string | undefined,
  init: { method?: string; body?: string; contentType?: string } = {},
) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined
        ? { 'content-type': init.contentType ?? 'application/json' }
        : {}),
    },
    body: init.body,
  });
  const text = await response.text();
  let json = {} as Answer;
  try {
    if (text) json = JSON.parse(text) as Answer;
  } catch {
    // Not JSON (a page, a script): the test reads `text`.
  }
  return { status: response.status, headers: response.headers, json, text };
}

async function createToken(body: object) {
  return call('/v1/tokens', adminToken, { method: 'POST', body: JSON.stringify(body) });
}

/** The text of `/v1/events/stream` opened with `token`, read until it ends (or `limitMs`). */
async function readStream(token: string, opened: () => Promise<void>, limitMs = 60_000) {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), limitMs);
  try {
    const response = await fetch(`${gateway.url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    await opened();
    return await response.text();
  } finally {
    clearTimeout(deadline);
  }
}

describe('security headers', () => {
  it('sends a self-only content security policy and nosniff with every API answer', async () => {
    for (const answer of [
      await call('/v1/tokens', adminToken),
      await call('/v1/nowhere', undefined),
    ]) {
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('serves Swagger UI with its own scripts and inline styles only', async () => {
    const page = await call('/docs', undefined);
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-init.js');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // Every script the page loads is one of the gateway's own files.
    expect(page.text).not.toMatch(/<script>/);
    expect((await call('/docs/swagger-ui-init.js', undefined)).status).toBe(200);
  });

  it('keeps the event stream open behind the headers', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/events/stream`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: controller.signal,
    });
    try {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      controller.abort();
    }
  });
});

describe('rate limit per token', () => {
  it('refuses one token past its limit with 429 rate_limited and Retry-After while another token still passes', async () => {
    const first = (await createToken({ role: 'viewer', name: 'busy' })).json.token as string;
    const second = (await createToken({ role: 'viewer', name: 'quiet' })).json.token as string;

    const answers = [];
    for (let i = 0; i < rateLimit; i++) answers.push(await call('/v1/events?limit=1', first));
    const refused = answers.find((answer) => answer.status === 429);
    expect(answers[0].status).toBe(200);
    expect(answers[0].headers.get('x-ratelimit-limit')).toBe(String(rateLimit));
    expect(answers[0].headers.get('x-ratelimit-remaining')).toBe(String(rateLimit - 1));
    expect(refused).toBeUndefined();

    const over = await call('/v1/events?limit=1', first);
    expect(over.status).toBe(429);
    expect(over.json).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.stringContaining(`rate limit of ${rateLimit} requests per 600 s`),
        details: [{ limit: rateLimit, windowMs: 600_000, retryAfterS: expect.any(Number) }],
      },
    });
    expect(over.json.error.message).toContain('token busy');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // Counted per token, not per route: another route is refused too.
    expect((await call('/v1/hosts', first)).status).toBe(429);

    expect((await call('/v1/events?limit=1', second)).status).toBe(200);
  });

  it('never limits health, readiness and metrics', async () => {
    for (let i = 0; i < rateLimit * 2; i++) {
      expect((await call('/healthz', undefined)).status).toBe(200);
      expect((await call('/metrics', undefined)).status).toBe(200);
      expect((await call('/readyz', undefined)).status).not.toBe(429);
    }
  });
});

describe('request size limits', () => {
  it('refuses a JSON body past the limit with 413 payload_too_large naming the limit', async () => {
    const body = JSON.stringify({ role: 'viewer', name: 'x'.repeat(bodyLimitBytes) });
    const answer = await call('/v1/tokens', adminToken, { method: 'POST', body });
    expect(answer.status).toBe(413);
    expect(answer.json.error).toMatchObject({
      code: 'payload_too_large',
      message: 'request body is larger than the limit of 4096 bytes (4 KiB)',
      details: [{ limitBytes: bodyLimitBytes }],
    });
    const listed = await call('/v1/tokens', adminToken);
    expect(listed.json.items.map((t: { name: string }) => t.name)).not.toContain(
      'x'.repeat(bodyLimitBytes),
    );
  });

  it('refuses a YAML spec past the limit with 413 too', async () => {
    const yaml = `name: big\n# ${'x'.repeat(bodyLimitBytes)}\n`;
    const answer = await call('/v1/services/big', adminToken, {
      method: 'PUT',
      body: yaml,
      contentType: 'application/yaml',
    });
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe('payload_too_large');
    expect(answer.json.error.message).toContain('4096 bytes');
  });

  it('lets Node refuse a request line and headers past 16 KiB before the gateway reads them', async () => {
    const answer = await call(`/v1/events?after=${'1'.repeat(20 * 1024)}`, adminToken);
    expect(answer.status).toBe(431);
  });

  it('keeps a nested query as one flat parameter, refused by name', async () => {
    const answer = await call('/v1/events?after[deep][er]=1', adminToken);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json.error.details)).toContain('after[deep][er]');
  });
});

describe('token expiry', () => {
  it('accepts a token until it expires, then refuses it with 401 token expired', async () => {
    const created = await createToken({ role: 'viewer', name: 'brief', expiresIn: '1s' });
    expect(created.status).toBe(201);
    const expiresAt = Date.parse(created.json.expiresAt ?? '');
    expect(expiresAt).toBeGreaterThan(Date.parse(created.json.createdAt));
    const lasting = await createToken({ role: 'viewer', name: 'lasting', expiresIn: '1h' });
    expect((await call('/v1/events?limit=1', lasting.json.token)).status).toBe(200);

    const refused = await eventually(async () => {
      const answer = await call('/v1/events?limit=1', created.json.token);
      if (answer.status !== 401) throw new Error(`still ${answer.status}`);
      return answer;
    }, 30_000);
    expect(refused.json.error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringMatching(/^token expired/),
    });
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const unknown = await call('/v1/events?limit=1', 'fed_not-a-token');
    expect(unknown.json.error.message).not.toMatch(/expired/);

    const listed = (await call('/v1/tokens', adminToken)).json.items;
    expect(listed.find((t) => t.name === 'brief')).toMatchObject({
      expiresAt: created.json.expiresAt,
      revokedAt: null,
    });
    expect(listed.find((t) => t.name === 'busy')).toMatchObject({ expiresAt: null });
  });

  it('ends an open event stream with an error event once its token expires', async () => {
    const created = await createToken({ role: 'viewer', name: 'streaming-brief', expiresIn: '2s' });
    const text = await readStream(created.json.token, async () => {});
    expect(text).toMatch(/event: error\n(id: \d+\n)?data: .*"code":"unauthorized".*token expired/);
  });

  it('ends an open event stream with an error event once its token is revoked', async () => {
    const created = await createToken({ role: 'viewer', name: 'streaming-revoked' });
    const text = await readStream(created.json.token, async () => {
      const id = (await call('/v1/tokens', adminToken)).json.items.find(
        (t) => t.name === 'streaming-revoked',
      )?.id;
      expect((await call(`/v1/tokens/${id}`, adminToken, { method: 'DELETE' })).status).toBe(204);
    });
    expect(text).toMatch(/event: error\n(id: \d+\n)?data: .*"code":"unauthorized".*token revoked/);
  });

  it('refuses an expiry it cannot read, naming the field, and creates nothing', async () => {
    const before = (await call('/v1/tokens', adminToken)).json.items.length;
    const answer = await createToken({ role: 'viewer', name: 'never', expiresIn: 'soon' });
    expect(answer.status).toBe(400);
    expect(answer.json.error.details).toEqual([
      { path: 'expiresIn', reason: expect.stringContaining('"soon"') },
    ]);
    const past = await createToken({ role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.json.error.details).toEqual([
      { path: 'expiresAt', reason: 'must be in the future' },
    ]);
    expect((await call('/v1/tokens', adminToken)).json.items.length).toBe(before);
  });

  it('lets `federa token create --expires` make an expiring token and `token list` show it', async () => {
    const cli = (args: string[]) =>
      runCliCommand(tokenCommand(), args, { api: gateway.url, token: adminToken });
    const created = await cli([
      'create',
      '--role',
      'viewer',
      '--name',
      'cli-30d',
      '--expires',
      '30d',
      '-o',
      'json',
    ]);
    expect(created.exitCode).toBe(0);
    const token = JSON.parse(created.printed);
    const lifetime = Date.parse(token.expiresAt) - Date.parse(token.createdAt);
    expect(Math.round(lifetime / 86_400_000)).toBe(30);

    const listed = await cli(['list']);
    expect(listed.exitCode).toBe(0);
    expect(listed.printed).toMatch(/EXPIRES/);
    expect(listed.printed).toContain(token.expiresAt);

    const wrong = await cli(['create', '--role', 'viewer', '--expires', 'a while']);
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.printed).toContain('--expires');
  });
});

/** A Federa process started as an operator starts it, its output (every log line) collected. */
class FederaProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  /** `main`: code run with the repository's TypeScript hook, from the repository's root. */
  constructor(main: string, env: NodeJS.ProcessEnv) {
    const root = join(__dirname, '..');
    this.child = spawn(
      process.execPath,
      [
        '-r',
        join(root, 'bench', 'typescript-require-hook.js'),
        '-e',
        `require('reflect-metadata'); ${main}`,
      ],
      { cwd: root, env: { ...process.env, ...env } },
    );
    this.child.stdout?.on('data', (chunk) => this.output.push(String(chunk)));
    this.child.stderr?.on('data', (chunk) => this.output.push(String(chunk)));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

describe('logs', () => {
  let logged: FreshDatabase;
  const processes: FederaProcess[] = [];

  afterAll(async () => {
    await Promise.all(processes.map((started) => started.stop()));
    await logged?.drop();
  });

  it('of the gateway and a backend service never hold a token, a database password or a NATS password, even of failing requests', async () => {
    logged = await freshDatabase('api_hardening_logs');
    const databasePassword = 'db-secret-in-the-url';
    const natsPassword = 'nats-secret-in-the-url';
    const loggedAdminToken = 'admin-secret-of-the-log-test';
    // The shared Postgres trusts local connections and the shared NATS asks for no credentials:
    // both take these URLs while their passwords go unused, just as a leak would show them.
    const databaseUrl = new URL(logged.url);
    databaseUrl.password = databasePassword;
    const natsUrl = new URL(process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222');
    natsUrl.username = 'federa';
    natsUrl.password = natsPassword;
    const port = await freePort();
    const env = {
      FEDERA_DATABASE_URL: databaseUrl.toString(),
      FEDERA_NATS_URL: natsUrl.toString(),
      FEDERA_API_TOKEN: loggedAdminToken,
      FEDERA_HTTP_PORT: String(port),
      FEDERA_HTTP_HOST: '127.0.0.1',
      FEDERA_SUBJECT_PREFIX: uniquePrefix('hardlog'),
      FEDERA_LOG_LEVEL: 'debug',
      FEDERA_API_RATE_LIMIT: '5',
    };
    const gatewayProcess = new FederaProcess("require('./services/gateway/src/main.ts')", env);
    const inventory = new FederaProcess(
      "require('./services/inventory/src/main.ts').startInventory()",
      env,
    );
    processes.push(gatewayProcess, inventory);
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/healthz`)).ok, 60_000, 200);
    // Inventory answers the gateway's lists once it has started.
    await eventually(
      async () =>
        (
          await fetch(`${url}/v1/hosts`, {
            headers: { authorization: `Bearer ${loggedAdminToken}` },
          })
        ).status === 200,
      60_000,
      200,
    );

    const send = async (path: string, token: string, method = 'GET', body?: string) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          cookie: `session=${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body,
      });
    const created = await send('/v1/tokens', loggedAdminToken, 'POST', '{"role":"viewer"}');
    expect(created.status).toBe(201);
    const createdToken = ((await created.json()) as { token: string }).token;
    const secrets = [loggedAdminToken, createdToken, databasePassword, natsPassword];

    expect((await send('/v1/hosts', createdToken)).status).toBe(200);
    expect((await send('/v1/hosts', `${createdToken}x`)).status).toBe(401);
    expect((await send('/v1/hosts', 'fed_a-wrong-guess')).status).toBe(401);
    expect((await send('/v1/tokens', createdToken)).status).toBe(403);
    expect((await send('/v1/tokens', loggedAdminToken, 'POST', '{"role":')).status).toBe(400);
    expect((await send('/v1/nowhere', createdToken)).status).toBe(404);
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++)
      status = (await send('/v1/hosts', createdToken)).status;
    expect(status).toBe(429);

    await Promise.all(processes.map((started) => started.stop()));
    const gatewayLog = gatewayProcess.output.join('');
    const inventoryLog = inventory.output.join('');
    // The logs are there to be read: request lines with their (redacted) credentials, and the
    // service saying where it listens.
    expect(gatewayLog).toContain('"url":"/v1/hosts"');
    expect(gatewayLog).toContain('[redacted]');
    expect(inventoryLog).toContain('inventory listening on nats://***@');
    for (const secret of secrets) {
      expect(gatewayLog).not.toContain(secret);
      expect(inventoryLog).not.toContain(secret);
    }
  });
});

// Last in this file: past it, this address's failed authentications are answered 429.
describe('failed authentications', () => {
  it('refuses an address that keeps sending refused tokens with 429, while a good token goes on', async () => {
    const good = (await createToken({ role: 'viewer', name: 'good' })).json.token;
    // Used just before: from a blocked address, only a token verified moments ago still passes.
    expect((await call('/v1/events?limit=1', good)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i <= rateLimit; i++)
      statuses.push((await call('/v1/events?limit=1', `fed_guess-${i}`)).status);
    expect(statuses.slice(0, rateLimit - 5)).toEqual(Array(rateLimit - 5).fill(401));
    const over = await call('/v1/events?limit=1', 'fed_one-more-guess');
    expect(over.status).toBe(429);
    expect(over.json.error.code).toBe('rate_limited');
    expect(over.json.error.message).toContain('missing or refused token from this address');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('/v1/events?limit=1', good)).status).toBe(200);
  });
});
