import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DrainPlan, HostDrainView, HostView } from '@federa/contracts';
import { parse } from 'yaml';
import { UsageError } from '../exit-code';
import { drainCommand, drainRequestOf, replaceCommand } from './drain';

describe('the flags of drain and replace', () => {
  it('become the request: reason, deadline in milliseconds, the new host, and how long to follow', () => {
    expect(
      drainRequestOf('h1', { reason: 'disk', deadline: '30m', wait: true, timeout: '1h' }, false),
    ).toEqual({ body: { reason: 'disk', deadlineMs: 1_800_000 }, timeoutMs: 3_600_000 });
    expect(drainRequestOf('h1', { with: 'h2', dryRun: true }, true)).toEqual({
      body: { with: 'h2' },
    });
  });

  it('refuses flags that cannot be used, naming the flag', () => {
    const refusal = (flags: object, replacing = false) => {
      try {
        drainRequestOf('h1', flags, replacing);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(refusal({ deadline: 'tomorrow' })).toMatchObject({ flag: '--deadline' });
    expect(refusal({ deadline: '8d' })).toMatchObject({ flag: '--deadline' });
    expect(refusal({ wait: true, dryRun: true })).toEqual(
      new UsageError('--wait', 'cannot follow a --dry-run'),
    );
    expect(refusal({ timeout: '5m' })).toEqual(new UsageError('--timeout', 'only with --wait'));
    expect(refusal({ wait: true, timeout: 'never' })).toMatchObject({ flag: '--timeout' });
    expect(refusal({ with: 'New Host' }, true)).toMatchObject({ flag: '--with' });
    expect(refusal({ with: 'h1' }, true)).toEqual(
      new UsageError('--with', 'must name another host than h1'),
    );
  });
});

const plan: DrainPlan = {
  host: 'h1',
  moves: [
    {
      instance: 'shop-web-1',
      service: 'shop',
      app: 'web',
      from: 'h1',
      to: 'h2',
      mode: 'make-before-break',
      costPerHour: { before: 0.01, after: 0.02 },
    },
  ],
  blocked: [],
  costPerHour: { before: 0.01, after: 0.02 },
};

const draining: HostDrainView = {
  state: 'draining',
  startedAt: '2026-12-07T10:00:00.000Z',
  deadlineAt: null,
  replaceWith: null,
  remaining: ['shop-db-1', 'shop-web-1'],
  blocked: [],
};

const resources = { cpuMillis: 1000, memoryBytes: 2 ** 30, storageBytes: 0, bandwidthBps: 0 };
const hostWith = (drain: HostDrainView): HostView => ({
  id: 'h1',
  site: 'geneva',
  state: drain.state === 'drained' ? 'drained' : 'draining',
  cordoned: false,
  layers: ['process'],
  capacity: resources,
  allocated: resources,
  securityLevel: 1,
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  features: { ups: false, raid: false },
  labels: {},
  lastHeartbeatAt: null,
  epoch: 1,
  instances: drain.remaining.length,
  downCause: null,
  downDeferredUntil: null,
  drain,
});

/** What the fake gateway answers: POSTs get `answer`, each GET of the host the next of `hosts`. */
interface Script {
  answer: { status: number; body: unknown };
  hosts: HostView[];
  /** The page of migrations answered for a GET of /v1/migrations; none: an empty page. */
  migrations?: (url: URL) => unknown;
  /** The host's reads are never answered (a gateway that hangs). */
  hostReadsHang?: boolean;
}

describe('federa drain and replace against the API', () => {
  let server: Server;
  let api: string;
  let script: Script;
  const asked: { method: string; url: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        asked.push({ method: request.method ?? '', url: request.url ?? '', body });
        response.setHeader('content-type', 'application/json');
        if (request.method === 'POST') {
          response.statusCode = script.answer.status;
          response.end(JSON.stringify(script.answer.body));
        } else if (request.url?.startsWith('/v1/migrations')) {
          const url = new URL(request.url, 'http://gateway');
          response.end(JSON.stringify(script.migrations?.(url) ?? { items: [] }));
        } else if (!script.hostReadsHang) {
          response.end(
            JSON.stringify(script.hosts.length > 1 ? script.hosts.shift() : script.hosts[0]),
          );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  beforeEach(() => (asked.length = 0));

  async function run(
    command: typeof drainCommand,
    args: string[],
  ): Promise<{ out: string; err: string; exitCode: number }> {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err.push(String(chunk));
      return true;
    });
    const previousToken = process.env.FEDERA_API_TOKEN;
    process.env.FEDERA_API_TOKEN = 'drain-test-token';
    process.exitCode = 0;
    try {
      await command()
        .exitOverride()
        .parseAsync(['node', 'federa', ...args, '--api', api]);
      return { out: out.join(''), err: err.join(''), exitCode: Number(process.exitCode ?? 0) };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      process.exitCode = 0;
      if (previousToken === undefined) delete process.env.FEDERA_API_TOKEN;
      else process.env.FEDERA_API_TOKEN = previousToken;
    }
  }

  it('prints the plan of a dry run as a table, asking with dryRun=true', async () => {
    script = { answer: { status: 200, body: plan }, hosts: [] };
    const { out, exitCode } = await run(drainCommand, ['h1', '--dry-run']);
    expect(asked).toEqual([{ method: 'POST', url: '/v1/hosts/h1/drain?dryRun=true', body: '{}' }]);
    expect(out).toMatch(
      /shop-web-1\s+shop\/web\s+h1 → h2\s+make-before-break\s+0\.01\/h → 0\.02\/h/,
    );
    expect(out).toContain('Cost per hour: 0.01/h → 0.02/h');
    expect(exitCode).toBe(0);
  });

  it('prints the plan as YAML or JSON with -o, and exits 4 when something would stay', async () => {
    const blocked = {
      ...plan,
      blocked: [{ instance: 'shop-db-1', service: 'shop', app: 'db', reason: 'not relocatable' }],
    };
    script = { answer: { status: 200, body: blocked }, hosts: [] };
    const yaml = await run(replaceCommand, ['h1', '--with', 'h2', '--dry-run', '-o', 'yaml']);
    expect(parse(yaml.out)).toEqual(blocked);
    expect(yaml.exitCode).toBe(4);
    expect(asked[0]).toMatchObject({
      url: '/v1/hosts/h1/replace?dryRun=true',
      body: '{"with":"h2"}',
    });
    const json = await run(drainCommand, ['h1', '--dry-run', '-o', 'json']);
    expect(JSON.parse(json.out)).toEqual(blocked);
  });

  it('follows a drain with --wait until the host is drained, then describes it, exit 0', async () => {
    const blockedDb = [
      { instance: 'shop-db-1', service: 'shop', app: 'db', reason: 'no feasible host: memory' },
    ];
    script = {
      answer: { status: 200, body: hostWith(draining) },
      hosts: [
        hostWith({ ...draining, remaining: ['shop-db-1'], blocked: blockedDb }),
        hostWith({ ...draining, state: 'drained', remaining: [] }),
      ],
    };
    const { out, exitCode } = await run(drainCommand, ['h1', '--wait', '--deadline', '1h']);
    expect(asked[0]).toMatchObject({ url: '/v1/hosts/h1/drain', body: '{"deadlineMs":3600000}' });
    expect(out).toContain('[--] 0/2 moved, 0 moving, 0 blocked, 2 left (draining)');
    expect(out).toContain('[#-] 1/2 moved, 0 moving, 1 blocked, 1 left (draining)');
    expect(out).toContain('  blocked shop-db-1 (shop/db): no feasible host: memory');
    expect(out).toContain('[##] 2/2 moved, 0 moving, 0 blocked, 0 left (drained)');
    expect(out).toContain('Drain:     drained since 2026-12-07T10:00:00.000Z');
    expect(exitCode).toBe(0);
  });

  it('counts the moves off the host on every page of migrations, not only the first', async () => {
    const moving = (id: string, from = 'h1') => ({ id, instance: `i-${id}`, from, to: 'h2' });
    script = {
      answer: { status: 200, body: hostWith(draining) },
      hosts: [hostWith({ ...draining, state: 'drained', remaining: [] })],
      migrations: (url) => {
        if (url.searchParams.get('state') !== 'running') return { items: [] };
        return url.searchParams.get('after') === 'p2'
          ? { items: [moving('m3'), moving('m4', 'h3')] }
          : { items: [moving('m1'), moving('m2')], next: 'p2' };
      },
    };
    const { out } = await run(drainCommand, ['h1', '--wait']);
    expect(out).toContain('3 moving');
  });

  it('exits 4 when the drain times out, and 5 when --timeout passes while instances still move', async () => {
    script = {
      answer: { status: 200, body: hostWith(draining) },
      hosts: [hostWith({ ...draining, state: 'timed-out' })],
    };
    const timedOut = await run(drainCommand, ['h1', '--wait']);
    expect(timedOut.out).toContain("the drain's deadline passed: 2 instance(s) stayed");
    expect(timedOut.exitCode).toBe(4);

    script = { answer: { status: 200, body: hostWith(draining) }, hosts: [hostWith(draining)] };
    const slow = await run(drainCommand, ['h1', '--wait', '--timeout', '1s']);
    expect(slow.out).toContain('--timeout passed while instances were still moving');
    expect(slow.exitCode).toBe(5);
  });

  it('ends at --timeout, exit 5, while a read of the host hangs, with progress on stderr under -o name', async () => {
    script = {
      answer: { status: 200, body: hostWith(draining) },
      hosts: [hostWith(draining)],
      hostReadsHang: true,
    };
    const hung = await run(drainCommand, ['h1', '--wait', '--timeout', '1s', '-o', 'name']);
    expect(hung.exitCode).toBe(5);
    expect(hung.out.trim()).toBe('h1');
    expect(hung.err).toContain('--timeout passed while instances were still moving');
  });

  it('exits 2 naming a bad flag without asking the API, and 3 for an unknown host', async () => {
    const bad = await run(drainCommand, ['h1', '--deadline', 'soon']);
    expect(bad.err).toContain('error: --deadline: expected a duration like 90s');
    expect(bad.exitCode).toBe(2);
    expect(asked).toEqual([]);

    script = {
      answer: {
        status: 404,
        body: { error: { code: 'not_found', message: 'no host h1', details: [] } },
      },
      hosts: [],
    };
    const missing = await run(drainCommand, ['h1']);
    expect(missing.err).toContain('error: not_found: no host h1');
    expect(missing.exitCode).toBe(3);
  });
});
