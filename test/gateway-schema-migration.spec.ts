import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';

jest.setTimeout(60_000);

const databases: FreshDatabase[] = [];
const gateways: GatewayApp[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  await Promise.all(databases.splice(0).map((database) => database.drop()));
});

async function database(label: string): Promise<FreshDatabase> {
  const created = await freshDatabase(label);
  databases.push(created);
  return created;
}

async function startGateway(databaseUrl: string, apiToken: string): Promise<GatewayApp> {
  const gateway = await createGatewayApp({
    databaseUrl,
    natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
    httpPort: 0,
    httpHost: '127.0.0.1',
    apiToken,
    heartbeatMs: 1000,
    subjectPrefix: uniquePrefix('gwmig'),
    logLevel: 'silent',
  });
  gateways.push(gateway);
  return gateway;
}

async function call(
  gateway: GatewayApp,
  method: string,
  path: string,
  token: string,
  body?: object,
) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function query<T extends object>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('gateway schema migrations', () => {
  it('lets two gateways start on one fresh database at once and share their tokens', async () => {
    const { url } = await database('gateway_two');
    const [first, second] = await Promise.all([
      startGateway(url, 'first-admin-token'),
      startGateway(url, 'second-admin-token'),
    ]);

    const created = await call(first, 'POST', '/v1/tokens', 'first-admin-token', {
      role: 'admin',
      name: 'made-on-first',
    });
    expect(created.status).toBe(201);
    const listed = await call(second, 'GET', '/v1/tokens', created.json.token);
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([
      expect.objectContaining({ id: created.json.id, name: 'made-on-first', role: 'admin' }),
    ]);

    expect(
      (await call(second, 'DELETE', `/v1/tokens/${created.json.id}`, 'second-admin-token')).status,
    ).toBe(204);
    expect((await call(first, 'GET', '/v1/tokens', created.json.token)).status).toBe(401);

    const applied = await query<{ name: string }>(
      url,
      'SELECT name FROM gateway.typeorm_migrations ORDER BY id',
    );
    expect(applied).toEqual([
      { name: 'CreateApiTokens1751328000000' },
      { name: 'AddTokenExpiry1765065600000' },
      { name: 'UniqueLiveTokenNames1765152000000' },
      { name: 'CreateSessions1796601600000' },
      { name: 'AddSessionAdminTokenHash1796688000000' },
    ]);
  });

  it('takes over a database whose token table the former SQL migrations made, keeping its tokens', async () => {
    const { url } = await database('gateway_old');
    const oldSecret = 'fgt_token-made-before-typeorm';
    const oldId = randomUUID();
    // What the gateway created before TypeORM, verbatim.
    await query(
      url,
      `CREATE SCHEMA IF NOT EXISTS gateway;
       CREATE TABLE IF NOT EXISTS gateway.migrations (
         id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
       CREATE TABLE gateway.api_tokens (
         id uuid PRIMARY KEY,
         name text NOT NULL,
         role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
         token_hash text NOT NULL UNIQUE,
         created_at timestamptz NOT NULL DEFAULT now(),
         revoked_at timestamptz
       );
       INSERT INTO gateway.migrations (id) VALUES ('001-api-tokens');`,
    );
    await query(
      url,
      `INSERT INTO gateway.api_tokens (id, name, role, token_hash) VALUES ($1, 'old-admin', 'admin', $2)`,
      [oldId, createHash('sha256').update(oldSecret).digest('hex')],
    );

    const gateway = await startGateway(url, 'admin-token-after-upgrade');

    const listed = await call(gateway, 'GET', '/v1/tokens', oldSecret);
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([
      {
        id: oldId,
        name: 'old-admin',
        role: 'admin',
        createdAt: expect.any(String),
        revokedAt: null,
        // A token made before tokens could expire never does.
        expiresAt: null,
      },
    ]);
    const created = await call(gateway, 'POST', '/v1/tokens', oldSecret, { role: 'viewer' });
    expect(created.status).toBe(201);
    expect((await call(gateway, 'GET', '/v1/tokens', created.json.token)).status).toBe(403);

    expect(await query(url, 'SELECT name FROM gateway.typeorm_migrations ORDER BY id')).toEqual([
      { name: 'CreateApiTokens1751328000000' },
      { name: 'AddTokenExpiry1765065600000' },
      { name: 'UniqueLiveTokenNames1765152000000' },
      { name: 'CreateSessions1796601600000' },
      { name: 'AddSessionAdminTokenHash1796688000000' },
    ]);
  });

  it('renames the live tokens of a name a live token already has, and a stored admin, so that names are unique', async () => {
    const { url } = await database('gateway_names');
    await query(
      url,
      `CREATE SCHEMA IF NOT EXISTS gateway;
       CREATE TABLE gateway.api_tokens (
         id uuid PRIMARY KEY,
         name text NOT NULL,
         role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
         token_hash text NOT NULL UNIQUE,
         created_at timestamptz NOT NULL DEFAULT now(),
         revoked_at timestamptz
       );`,
    );
    const rows: [string, string, string, string | null][] = [
      [randomUUID(), 'ci', '2026-01-01T00:00:00Z', null],
      [randomUUID(), 'ci', '2026-01-02T00:00:00Z', null],
      [randomUUID(), 'ci', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'],
      [randomUUID(), 'admin', '2026-01-05T00:00:00Z', null],
    ];
    for (const [id, name, createdAt, revokedAt] of rows)
      await query(
        url,
        `INSERT INTO gateway.api_tokens (id, name, role, token_hash, created_at, revoked_at)
         VALUES ($1::uuid, $2, 'viewer', $5, $3, $4)`,
        [id, name, createdAt, revokedAt, `hash-${id}`],
      );

    await startGateway(url, 'admin-token-names');

    const names = await query<{ id: string; name: string }>(
      url,
      'SELECT id, name FROM gateway.api_tokens ORDER BY created_at',
    );
    expect(names.map((row) => row.name)).toEqual([
      'ci',
      `ci-${rows[1][0].slice(0, 8)}`,
      'ci',
      `admin-${rows[3][0].slice(0, 8)}`,
    ]);
  });
});
