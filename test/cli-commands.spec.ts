import { freePort, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { assertCliBuilt, runFedera } from './cli-process';

jest.setTimeout(60_000);

const adminToken = 'cli-admin-token';
let database: FreshDatabase;
let gateway: GatewayApp;

beforeAll(async () => {
  assertCliBuilt();
  database = await freshDatabase('cli_commands');
  gateway = await createGatewayApp({
    databaseUrl: database.url,
    natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
    httpPort: 0,
    httpHost: '127.0.0.1',
    apiToken: adminToken,
    heartbeatMs: 1000,
    subjectPrefix: uniquePrefix('cli'),
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

const asAdmin = () => ({ env: { FEDERA_API_URL: gateway.url, FEDERA_API_TOKEN: adminToken } });

describe('federa --help', () => {
  it.each([
    [[]],
    [['up']],
    [['token']],
    [['token', 'create']],
    [['token', 'list']],
    [['token', 'revoke']],
  ])('prints usage for `federa %s --help` and exits 0', async (args: string[]) => {
    const result = await runFedera([...args, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: federa ${args.join(' ')}`.trim());
  });

  it('documents --no-demo on up and the output format on token create', async () => {
    expect((await runFedera(['up', '--help'])).stdout).toContain('--no-demo');
    const create = (await runFedera(['token', 'create', '--help'])).stdout;
    expect(create).toContain('--role <role>');
    expect(create).toContain('-o, --output <format>');
  });

  it('hands `federa agent --help` to the agent', async () => {
    const result = await runFedera(['agent', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--config/);
  });
});

describe('federa token', () => {
  it('creates a token and prints it as JSON with -o json', async () => {
    const result = await runFedera(
      ['token', 'create', '--role', 'viewer', '--name', 'ci', '-o', 'json'],
      asAdmin(),
    );
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout);
    expect(created).toMatchObject({ role: 'viewer', name: 'ci', revokedAt: null });
    expect(created.token).toMatch(/^fed_/);
    const check = await fetch(`${gateway.url}/v1/tokens`, {
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(check.status).toBe(403);
  });

  it('prints a table by default', async () => {
    const result = await runFedera(['token', 'create', '--role', 'operator'], asAdmin());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ID.*NAME.*ROLE.*TOKEN/);
    expect(result.stdout).toContain('operator');
    const listed = await runFedera(['token', 'list', '-o', 'json'], asAdmin());
    expect(JSON.parse(listed.stdout).items).toContainEqual(
      expect.objectContaining({ role: 'operator' }),
    );
  });

  it('prints the API error as `error: <code>: <message>` and exits 1', async () => {
    const result = await runFedera(['token', 'list'], {
      env: { FEDERA_API_URL: gateway.url, FEDERA_API_TOKEN: 'wrong' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: unauthorized: /);
  });

  it('prints every detail line of a refusal, exit code 2 for a bad field', async () => {
    const result = await runFedera(
      ['token', 'create', '--role', 'viewer', '--name', 'has spaces'],
      asAdmin(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: validation_failed: ');
    expect(result.stderr).toContain('  - name: must be 1-63 letters');
  });

  it('refuses an unknown role before calling the API, as a usage error (exit code 2)', async () => {
    const result = await runFedera(['token', 'create', '--role', 'root'], asAdmin());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are viewer, operator, admin');
  });

  it('tells the user to run federa up when nothing answers, exit code 5', async () => {
    const result = await runFedera(
      ['token', 'list', '--api', `http://127.0.0.1:${await freePort()}`],
      {
        env: { FEDERA_API_TOKEN: adminToken },
      },
    );
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('error: unavailable: cannot reach the Federa API');
    expect(result.stderr).toContain('federa up');
  });
});
