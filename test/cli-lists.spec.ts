import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { eventually } from '@federa/testing';
import { writeContexts } from '../cli/src/contexts';
import { eventsCommand } from '../cli/src/commands/events';
import { getServicesCommand } from '../cli/src/commands/get-services';
import { tokenCommand } from '../cli/src/commands/token';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

jest.setTimeout(60_000);

/** More services than a page holds by default (100): the CLI must follow `next`. */
const SERVICES = 103;
const names = Array.from({ length: SERVICES }, (_, i) => `list-${String(i).padStart(3, '0')}`);

const spec = (name: string) => ({
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    applications: [
      {
        name: 'web',
        layer: 'sim',
        resources: { cpu: '10m', memory: '16Mi' },
        replicas: { min: 1, max: 1 },
      },
    ],
  },
});

let plane: ControlPlane;
let config: string;

/**
 * A `federa` command run in this process with `args` and `env` (FEDERA_* of this process unset):
 * what it prints as it prints it, its end, and a Ctrl-C for a command that runs until one.
 */
function start(command: Command, args: string[], env: Record<string, string> = {}) {
  const printed = { stdout: '', stderr: '' };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.stdout += String(chunk);
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    printed.stderr += String(chunk);
    return true;
  });
  const saved = { ...process.env };
  for (const key of ['FEDERA_API_URL', 'FEDERA_API_TOKEN', 'XDG_CONFIG_HOME'])
    delete process.env[key];
  Object.assign(process.env, { XDG_CONFIG_HOME: config }, env);
  const before = new Set(process.listeners('SIGINT'));
  process.exitCode = 0;
  command.exitOverride();
  const done = command.parseAsync(['node', 'federa', ...args]).finally(() => {
    stdout.mockRestore();
    stderr.mockRestore();
    process.env = saved;
  });
  return {
    printed,
    done,
    /** Ctrl-C for the command alone: only the listener it added is called. */
    interrupt() {
      for (const listener of process.listeners('SIGINT'))
        if (!before.has(listener)) (listener as () => void)();
    },
  };
}

async function run(command: Command, args: string[], env: Record<string, string> = {}) {
  const running = start(command, args, env);
  await running.done;
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { ...running.printed, code };
}

const asAdmin = () => ({ FEDERA_API_URL: plane.gateway.url, FEDERA_API_TOKEN: apiToken });

beforeAll(async () => {
  config = mkdtempSync(join(tmpdir(), 'federa-cli-lists-'));
  plane = await startControlPlane('cli_lists');
  for (let i = 0; i < names.length; i += 10)
    await Promise.all(
      names.slice(i, i + 10).map(async (name) => {
        const answer = await plane.call('PUT', `/v1/services/${name}`, spec(name));
        expect(answer.status).toBe(200);
      }),
    );
});

afterAll(async () => {
  await plane?.close();
  rmSync(config, { recursive: true, force: true });
});

describe('federa get services', () => {
  it('prints every service, following next past the default page of 100', async () => {
    const result = await run(getServicesCommand(), ['-o', 'name'], asAdmin());
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(names);
  });

  it('stops at --limit and says on stderr that more remain', async () => {
    const result = await run(getServicesCommand(), ['--limit', '5'], asAdmin());
    expect(result.stdout.trim().split('\n')).toHaveLength(6);
    expect(result.stdout).toMatch(/^NAME\s+STATE\s+REVISION\s+APPLICATIONS\n/);
    expect(result.stderr).toContain('(the first 5 shown; more remain');
    const json = await run(getServicesCommand(), ['--limit', '2', '-o', 'json'], asAdmin());
    expect(JSON.parse(json.stdout)).toMatchObject({
      items: [{ name: 'list-000' }, { name: 'list-001' }],
      next: 'list-001',
    });
  });

  it('prints one service by name, as YAML or as a row of the wide table', async () => {
    const yaml = await run(getServicesCommand(), ['list-007', '-o', 'yaml'], asAdmin());
    expect(parse(yaml.stdout)).toMatchObject({ name: 'list-007', state: 'defined' });
    const wide = await run(getServicesCommand(), ['list-007', '-o', 'wide'], asAdmin());
    expect(wide.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+STATE/),
      expect.stringMatching(/^list-007\s+defined\s+1\s+web 0\/0$/),
    ]);
    const missing = await run(getServicesCommand(), ['nope'], asAdmin());
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('not_found');
  });

  it('prints a service again when it changes, with --watch, until Ctrl-C', async () => {
    const watching = start(getServicesCommand(), ['--watch'], asAdmin());
    try {
      await eventually(() => watching.printed.stdout.includes('list-102'));
      expect((await plane.call('PUT', '/v1/services/watched', spec('watched'))).status).toBe(200);
      expect((await plane.call('POST', '/v1/services/list-003/deploy')).status).toBe(202);
      await eventually(
        () =>
          /\nwatched\s+defined\s+1/.test(watching.printed.stdout) &&
          /\nlist-003\s+(deploying|available|degraded)/.test(watching.printed.stdout),
      ).catch((error) => {
        throw new Error(`${error}; printed:\n${watching.printed.stdout}${watching.printed.stderr}`);
      });
    } finally {
      watching.interrupt();
      await watching.done;
    }
    expect(watching.printed.stderr).toBe('');
  });

  it('finds the API and the token in the context asked for, the flag before the environment', async () => {
    writeContexts(join(config, 'federa', 'config.yaml'), {
      currentContext: 'elsewhere',
      contexts: {
        elsewhere: { api: 'http://127.0.0.1:9', token: 'wrong' },
        test: { api: plane.gateway.url, token: apiToken },
      },
    });
    const viaContext = await run(getServicesCommand(), ['list-001', '--context', 'test']);
    expect(viaContext.stdout).toMatch(/\nlist-001\s+/);
    const flagWins = await run(getServicesCommand(), [
      'list-001',
      '--context',
      'test',
      '--token',
      'bad',
    ]);
    expect(flagWins.stderr).toContain('unauthorized');
    const unknown = await run(getServicesCommand(), ['--context', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--context: no context named nope');
    rmSync(join(config, 'federa'), { recursive: true, force: true });
  });

  it('goes to the context asked for even when FEDERA_API_URL names another API', async () => {
    writeContexts(join(config, 'federa', 'config.yaml'), {
      contexts: { test: { api: plane.gateway.url, token: apiToken } },
    });
    const elsewhere = { FEDERA_API_URL: 'http://127.0.0.1:9', FEDERA_API_TOKEN: 'wrong' };
    const viaContext = await run(
      getServicesCommand(),
      ['list-002', '--context', 'test'],
      elsewhere,
    );
    expect(viaContext.code).toBe(0);
    expect(viaContext.stdout).toMatch(/\nlist-002\s+/);
    const viaEnvironment = await run(getServicesCommand(), ['list-002'], elsewhere);
    expect(viaEnvironment.code).toBe(5);
    rmSync(join(config, 'federa'), { recursive: true, force: true });
  });

  it("never sends the current context's token to a URL given by --api", async () => {
    writeContexts(join(config, 'federa', 'config.yaml'), {
      currentContext: 'test',
      contexts: { test: { api: plane.gateway.url, token: apiToken } },
    });
    const viaApi = await run(getServicesCommand(), ['list-003', '--api', plane.gateway.url]);
    expect(viaApi.stderr).toContain('unauthorized');
    const viaCurrent = await run(getServicesCommand(), ['list-003']);
    expect(viaCurrent.stdout).toMatch(/\nlist-003\s+/);
    rmSync(join(config, 'federa'), { recursive: true, force: true });
  });
});

describe('federa events filters and token pages', () => {
  it("prints only one service's events, or only the types asked for", async () => {
    const result = await run(eventsCommand(), ['--service', 'list-005', '-o', 'json'], asAdmin());
    const events = JSON.parse(result.stdout).items as Array<{ streamId: string; type: string }>;
    expect(events.map((e) => e.streamId)).toEqual(['service-list-005']);
    const defined = await run(
      eventsCommand(),
      ['--type', 'ServiceDefined', '-o', 'ndjson'],
      asAdmin(),
    );
    expect(defined.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(SERVICES);
    expect(defined.stdout).not.toContain('"ServiceDeployStarted"');
    const bad = await run(eventsCommand(), ['--type', 'Not A Type'], asAdmin());
    expect(bad.stderr).toContain('--type');
  });

  it('answers one stream, or the events from a time on, next saying how far the log was read', async () => {
    const stream = await plane.call('GET', '/v1/events?stream=service-list-001');
    expect(stream.json.items.map((e: { streamId: string }) => e.streamId)).toEqual([
      'service-list-001',
    ]);
    const head = (await plane.events()).at(-1)?.position ?? 0;
    const future = await plane.call('GET', '/v1/events?from=2999-01-01T00:00:00Z');
    expect(future.json.items).toEqual([]);
    expect(future.json.next).toBeGreaterThanOrEqual(head);
    // Postgres and this process read the same clock: what came before stays before.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const from = new Date().toISOString();
    expect((await plane.call('PUT', '/v1/services/lately', spec('lately'))).status).toBe(200);
    const lately = await plane.call('GET', `/v1/events?type=ServiceDefined&from=${from}`);
    expect(lately.json.items.map((e: { streamId: string }) => e.streamId)).toEqual([
      'service-lately',
    ]);
    const bad = await plane.call('GET', '/v1/events?from=yesterday&type=A,B%20C');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.map((d: { path: string }) => d.path)).toEqual(['type', 'from']);
  });

  it('pages the list of tokens, and federa token list follows every page', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      const created = await plane.call('POST', '/v1/tokens', { role: 'viewer', name });
      expect(created.status).toBe(201);
    }
    const first = await plane.call('GET', '/v1/tokens?limit=2');
    expect(first.json.items.map((t: { name: string }) => t.name)).toEqual(['page-a', 'page-b']);
    const second = await plane.call('GET', `/v1/tokens?limit=2&after=${first.json.next}`);
    expect(second.json).toEqual({ items: [expect.objectContaining({ name: 'page-c' })] });
    const listed = await run(tokenCommand(), ['list', '-o', 'name'], asAdmin());
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
  });
});
