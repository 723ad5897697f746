import { drainCommand } from '../cli/src/commands/drain';
import { getHostsCommand } from '../cli/src/commands/get-hosts';
import { HostPage, validatePayload } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { Client } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { InventoryHarness, natsUrl } from './inventory-harness';
import { runCliCommand } from './cli-in-process';

jest.setTimeout(60_000);

const token = 'inventory-gateway-test-token';

describe('inventory through the gateway: /v1/hosts', () => {
  let inv: InventoryHarness;
  let gateway: GatewayApp;

  beforeAll(async () => {
    inv = await InventoryHarness.start();
    gateway = await createGatewayApp({
      databaseUrl: inv.config.federa.databaseUrl,
      natsUrl,
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: token,
      heartbeatMs: 1000,
      subjectPrefix: inv.subjects.prefix,
      logLevel: 'silent',
      commandTimeoutMs: 5000,
    });
    for (const host of ['gw-1', 'gw-2']) {
      const agent = inv.agent(host, 'geneva');
      await agent.register();
      agent.start();
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await inv?.stop();
  });

  async function call(method: string, path: string, body?: object) {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('lists hosts with the contract fields and pages through them', async () => {
    const all = await eventually(async () => {
      const answer = await call('GET', '/v1/hosts');
      return (answer.json.items as unknown[]).length === 2 ? answer : undefined;
    });
    expect(all!.status).toBe(200);
    const items = all!.json.items as Record<string, unknown>[];
    expect(items.map((h) => h.id)).toEqual(['gw-1', 'gw-2']);
    for (const field of [
      'id',
      'site',
      'state',
      'layers',
      'capacity',
      'allocated',
      'securityLevel',
      'costs',
      'lastHeartbeatAt',
      'epoch',
      'cordoned',
    ]) {
      expect(items[0]).toHaveProperty(field);
    }
    const checked = validatePayload(HostPage, all!.json);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    const first = await call('GET', '/v1/hosts?limit=1');
    expect(first.json).toMatchObject({ items: [{ id: 'gw-1' }], next: 'gw-1' });
    const second = await call('GET', '/v1/hosts?limit=1&after=gw-1');
    expect((second.json.items as { id: string }[]).map((h) => h.id)).toEqual(['gw-2']);
  });

  it('answers a command with its own write even while an older transaction holds log readers back', async () => {
    // A write transaction that began earlier and is still open: readers see nothing committed after
    // it until it ends (the log's never-skip rule), so a plain catch-up would answer a stale host.
    const older = new Client({ connectionString: inv.config.federa.databaseUrl });
    await older.connect();
    let committed: Promise<unknown> = Promise.resolve();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()');
      committed = new Promise((r) => setTimeout(r, 500)).then(() => older.query('COMMIT'));
      expect(await call('POST', '/v1/hosts/gw-2/cordon')).toMatchObject({
        status: 200,
        json: { id: 'gw-2', cordoned: true },
      });
    } finally {
      await committed;
      await older.end();
    }
    expect(await call('POST', '/v1/hosts/gw-2/uncordon')).toMatchObject({
      json: { cordoned: false },
    });
  });

  it('cordons, uncordons, drains and retires a host', async () => {
    expect(await call('POST', '/v1/hosts/gw-1/cordon', { reason: 'disk' })).toMatchObject({
      status: 200,
      json: { id: 'gw-1', cordoned: true },
    });
    expect(await call('POST', '/v1/hosts/gw-1/uncordon')).toMatchObject({
      json: { cordoned: false },
    });
    expect(await call('POST', '/v1/hosts/gw-1/drain')).toMatchObject({
      json: { state: 'drained' },
    });
    expect(await call('DELETE', '/v1/hosts/gw-1')).toMatchObject({
      status: 200,
      json: { state: 'retired' },
    });
    expect(await call('POST', '/v1/hosts/gw-1/cordon')).toMatchObject({
      status: 409,
      json: { error: { code: 'conflict' } },
    });
  });

  /** Runs `federa get hosts ARGS` or `federa drain ARGS` against this gateway and answers what it printed. */
  async function federa(name: 'get hosts' | 'drain', ...args: string[]): Promise<string> {
    const command = name === 'drain' ? drainCommand() : getHostsCommand();
    return (await runCliCommand(command, args, { api: gateway.url, token })).printed;
  }

  it('lists hosts and drains one from the CLI', async () => {
    const listed = JSON.parse(await federa('get hosts', '-o', 'json')) as {
      items: { id: string }[];
    };
    expect(listed.items.map((h) => h.id)).toContain('gw-2');
    const table = await federa('get hosts');
    expect(table).toMatch(/HOST.*SITE.*STATE/);
    expect(table).toMatch(/gw-2.*geneva.*ready.*sim.*0\/4/);
    expect(await federa('drain', 'gw-2')).toMatch(/gw-2.*drained/);
  });

  it('answers 404 for an unknown host and 400 naming a bad parameter', async () => {
    expect(await call('GET', '/v1/hosts/nobody')).toMatchObject({
      status: 404,
      json: { error: { code: 'not_found' } },
    });
    expect(await call('DELETE', '/v1/hosts/gw-2?force=maybe')).toMatchObject({
      status: 400,
      json: { error: { details: [{ path: 'force' }] } },
    });
    expect(await call('GET', '/v1/hosts?state=sleepy')).toMatchObject({
      status: 400,
      json: { error: { details: [{ path: 'state' }] } },
    });
  });

  it('refuses a dry-run drain or replacement whose body the real request would refuse, naming the field', async () => {
    /** The fields a 400 names. */
    const refused = async (path: string, body: object) => {
      const answer = await call('POST', path, body);
      expect(answer.status).toBe(400);
      const details = (answer.json.error as { details: { path: string }[] }).details;
      return [...new Set(details.map((detail) => detail.path))];
    };
    expect(await refused('/v1/hosts/gw-1/replace?dryRun=true', {})).toEqual(['with']);
    expect(
      await refused('/v1/hosts/gw-1/replace?dryRun=true', { with: 'gw-2', deadlineMs: 'soon' }),
    ).toEqual(['deadlineMs']);
    expect(await refused('/v1/hosts/gw-1/drain?dryRun=true', { deadlineMs: -1 })).toEqual([
      'deadlineMs',
    ]);
    expect(
      await refused('/v1/hosts/gw-1/replace?dryRun=true', { with: 'gw-2', colour: 'red' }),
    ).toEqual(['colour']);
  });
});
