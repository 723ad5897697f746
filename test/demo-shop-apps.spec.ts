// The demo shop's applications (examples/apps) as real processes, wired only through the discovery
// contract: FEDERA_ENDPOINTS_<APP> at start and a stand-in of the agent's FEDERA_DISCOVERY_URL (a
// plain HTTP server here, serving ServiceEndpoints with ?waitForVersion=N) for the moves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { endpointsVariableName, type ServiceEndpoints } from '@federa/contracts';
import { eventually } from '@federa/testing';

const appsDir = resolve(__dirname, '..', 'examples', 'apps');
const { Discovery } = require('../examples/apps/lib/discovery');

interface App {
  child: ChildProcess;
  port: number;
  output: string[];
}

const started: App[] = [];
const dirs: string[] = [];

function dataDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `federa-shop-${label}-`));
  dirs.push(dir);
  return dir;
}

/** Starts examples/apps/<name>.js on a free port (PORT=0) and resolves once it says where it listens. */
function startApp(name: string, env: Record<string, string>): Promise<App> {
  const child = spawn(process.execPath, [join(appsDir, `${name}.js`)], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app: App = { child, port: 0, output: [] };
  started.push(app);
  return new Promise((resolvePort, reject) => {
    const onLine = (chunk: Buffer) => {
      app.output.push(chunk.toString());
      const match = / listening on (\d+)/.exec(app.output.join(''));
      if (match && app.port === 0) {
        app.port = Number(match[1]);
        resolvePort(app);
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before listening: ${app.output.join('')}`)),
    );
  });
}

function stopApp(app: App): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    app.child.once('exit', () => done());
    app.child.kill('SIGKILL');
  });
}

/** The agent's discovery URL as the apps see it: the service's endpoints, held until a newer version. */
class DiscoveryStandIn {
  private current: ServiceEndpoints | string;
  private readonly waiting = new Set<{ at: number; res: ServerResponse }>();
  private readonly server: Server;
  polls = 0;

  constructor(initial: ServiceEndpoints) {
    this.current = initial;
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      if (url.pathname !== '/v1/discovery/shop') {
        res.writeHead(404).end();
        return;
      }
      this.polls += 1;
      const at = Number(url.searchParams.get('waitForVersion') ?? 0);
      if (this.versionOf() >= at) return this.answer(res);
      const waiter = { at, res };
      this.waiting.add(waiter);
      const timeout = setTimeout(
        () => {
          this.waiting.delete(waiter);
          this.answer(res);
        },
        Number(url.searchParams.get('timeoutMs') ?? 25_000),
      );
      res.on('close', () => {
        clearTimeout(timeout);
        this.waiting.delete(waiter);
      });
    });
  }

  listen(): Promise<string> {
    return new Promise((done) =>
      this.server.listen(0, '127.0.0.1', () =>
        done(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/discovery/shop`),
      ),
    );
  }

  /** Publishes a new value (or a malformed one) and answers every waiter it satisfies. */
  publish(value: ServiceEndpoints | string, version: number): void {
    this.current = value;
    for (const waiter of [...this.waiting]) {
      if (version >= waiter.at) {
        this.waiting.delete(waiter);
        this.answer(waiter.res);
      }
    }
  }

  close(): Promise<void> {
    for (const { res } of this.waiting) res.destroy();
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private versionOf(): number {
    return typeof this.current === 'string' ? Number.MAX_SAFE_INTEGER : this.current.version;
  }

  private answer(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof this.current === 'string' ? this.current : JSON.stringify(this.current));
  }
}

function endpoints(version: number, apps: Record<string, App[]>): ServiceEndpoints {
  return {
    service: 'shop',
    version,
    updatedAt: Date.now(),
    applications: Object.entries(apps).map(([name, instances]) => ({
      name,
      instances: instances.map((app, i) => ({
        instance: `shop-${name}-${i}`,
        host: 'stand-in',
        address: '127.0.0.1',
        port: app.port,
      })),
    })),
  };
}

const at = (apps: App[]) => apps.map((a) => `127.0.0.1:${a.port}`).join(',');

async function get(app: App, path: string) {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`);
  return { status: response.status, text: await response.text() };
}

async function postJson(app: App, path: string, body: unknown) {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

function journal(dir: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, 'payments.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

afterEach(async () => {
  await Promise.all(started.splice(0).map(stopApp));
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the demo shop’s applications', () => {
  it('list the products the catalogue database was seeded with, found through FEDERA_ENDPOINTS_*', async () => {
    const db = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('db') });
    const payment = await startApp('payment', { FEDERA_DATA_DIR: dataDir('pay') });
    const web = await startApp('web', {
      [endpointsVariableName('catalog-db')]: at([db]),
      [endpointsVariableName('payment')]: at([payment]),
    });

    const shopPage = await get(web, '/');
    expect(shopPage.status).toBe(200);
    expect(shopPage.text).toContain('Gruyère AOP, 500 g');
    expect(shopPage.text).toContain('action="/checkout"');
    const listed = await get(web, '/products');
    expect(JSON.parse(listed.text).products.map((p: { sku: string }) => p.sku)).toEqual([
      'alpine-tea',
      'chocolate',
      'gruyere',
      'knife',
      'watch',
    ]);
  });

  it('take a checkout through payment, which journals it in its data and answers its id', async () => {
    const db = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('db') });
    const paymentData = dataDir('pay');
    const payment = await startApp('payment', { FEDERA_DATA_DIR: paymentData });
    const web = await startApp('web', {
      [endpointsVariableName('catalog-db')]: at([db]),
      [endpointsVariableName('payment')]: at([payment]),
    });

    const bought = await postJson(web, '/checkout', { product: 'gruyere', quantity: 2 });
    expect(bought).toEqual({
      status: 201,
      body: { payment: expect.any(String), product: 'gruyere', quantity: 2, amount: 28.4 },
    });
    const form = await fetch(`http://127.0.0.1:${web.port}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'product=knife&quantity=1',
    });
    expect(form.status).toBe(201);
    expect(await form.text()).toContain('Pocket knife');

    expect(journal(paymentData)).toEqual([
      expect.objectContaining({ id: bought.body.payment, amount: 28.4, product: 'gruyere' }),
      expect.objectContaining({ amount: 49, product: 'knife', quantity: 1 }),
    ]);
    const byId = await get(payment, `/payments/${bought.body.payment}`);
    expect(JSON.parse(byId.text)).toMatchObject({ id: bought.body.payment, status: 'authorized' });
  });

  it('refuse a checkout with a bad quantity or an unknown product, naming the field and journalling nothing', async () => {
    const db = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('db') });
    const paymentData = dataDir('pay');
    const payment = await startApp('payment', { FEDERA_DATA_DIR: paymentData });
    const web = await startApp('web', {
      [endpointsVariableName('catalog-db')]: at([db]),
      [endpointsVariableName('payment')]: at([payment]),
    });

    expect(await postJson(web, '/checkout', { product: 'watch', quantity: 0 })).toEqual({
      status: 400,
      body: { error: 'quantity must be a whole number from 1 to 100', field: 'quantity' },
    });
    expect(await postJson(web, '/checkout', { product: 'caviar', quantity: 1 })).toEqual({
      status: 404,
      body: { error: 'no product caviar', field: 'product' },
    });
    expect(await postJson(web, '/checkout', { quantity: 1 })).toMatchObject({
      status: 400,
      body: { field: 'product' },
    });
    expect(journal(paymentData)).toEqual([]);
  });

  it('answer /checkout/health with 200 only while the catalogue and payment both answer', async () => {
    const db = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('db') });
    const paymentData = dataDir('pay');
    const payment = await startApp('payment', { FEDERA_DATA_DIR: paymentData });
    const web = await startApp('web', {
      [endpointsVariableName('catalog-db')]: at([db]),
      [endpointsVariableName('payment')]: at([payment]),
    });

    const healthy = await get(web, '/checkout/health');
    expect(healthy.status).toBe(200);
    expect(JSON.parse(healthy.text)).toMatchObject({
      status: 'ok',
      catalog: { products: 5 },
      payment: { dryRun: 'ok' },
    });
    expect(journal(paymentData)).toEqual([]);

    await stopApp(payment);
    const failing = await get(web, '/checkout/health');
    expect(failing.status).toBe(503);
    // Its error says what broke in the same words each time (the probe quotes it); the detail varies.
    expect(JSON.parse(failing.text)).toMatchObject({
      status: 'failing',
      failed: 'payment',
      error: 'payment unreachable',
    });

    await stopApp(db);
    expect(JSON.parse((await get(web, '/checkout/health')).text)).toMatchObject({
      failed: 'catalog-db',
      error: 'catalog-db unreachable',
    });
    // The front end itself is alive: its own /healthz does not depend on the chain.
    expect((await get(web, '/healthz')).status).toBe(200);
  });

  it('try another instance of a dependency when one refuses connections', async () => {
    const db = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('db') });
    const gone = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('gone') });
    await stopApp(gone);
    const web = await startApp('web', {
      [endpointsVariableName('catalog-db')]: at([gone, db]),
      [endpointsVariableName('payment')]: '',
    });

    for (let i = 0; i < 4; i++) expect((await get(web, '/products')).status).toBe(200);
    const noPayment = await postJson(web, '/checkout', { product: 'chocolate', quantity: 1 });
    expect(noPayment.status).toBe(503);
    expect(noPayment.body.error).toMatch(/^payment: no endpoint of payment is known/);
  });

  it('follow the catalogue to its new instance through the discovery URL, without a restart', async () => {
    const oldDb = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('old') });
    const payment = await startApp('payment', { FEDERA_DATA_DIR: dataDir('pay') });
    const standIn = new DiscoveryStandIn(
      endpoints(10, { 'catalog-db': [oldDb], payment: [payment], web: [] }),
    );
    const url = await standIn.listen();
    try {
      const web = await startApp('web', {
        [endpointsVariableName('catalog-db')]: at([oldDb]),
        [endpointsVariableName('payment')]: at([payment]),
        FEDERA_DISCOVERY_URL: url,
      });
      expect((await get(web, '/checkout/health')).status).toBe(200);

      const newDb = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('new') });
      const marker = { sku: 'moved', name: 'Only in the new catalogue', price: 1 };
      await fetch(`http://127.0.0.1:${newDb.port}/kv/product%2Fmoved`, {
        method: 'PUT',
        body: JSON.stringify(marker),
      });
      standIn.publish(endpoints(17, { 'catalog-db': [newDb], payment: [payment], web: [] }), 17);
      await stopApp(oldDb);

      await eventually(async () => (await get(web, '/products')).text.includes('"moved"'), 20_000);
      expect((await get(web, '/checkout/health')).status).toBe(200);
      expect(web.output.join('')).toContain(`catalog-db is now at 127.0.0.1:${newDb.port}`);

      // Malformed data from discovery is refused; the front end keeps its last good set.
      standIn.publish('{"service":"shop","version":"eighteen"}', 18);
      await eventually(() => web.output.join('').includes('ignoring an answer'), 20_000);
      expect((await get(web, '/checkout/health')).status).toBe(200);
    } finally {
      await Promise.all(started.splice(0).map(stopApp));
      await standIn.close();
    }
  });
});

describe('the client snippet of docs/reference/discovery.md', () => {
  it('reads its dependency from the environment, then follows it to a new instance', async () => {
    const page = readFileSync(
      resolve(__dirname, '..', 'docs', 'reference', 'discovery.md'),
      'utf8',
    );
    const snippet = /## An application reading its dependencies[\s\S]*?```js\n([\s\S]*?)```/.exec(
      page,
    )?.[1];
    expect(snippet).toContain('FEDERA_DISCOVERY_URL');
    // The snippet as an application would hold it, asking its catalogue five times a second.
    const script = join(dataDir('snippet'), 'reader.js');
    writeFileSync(
      script,
      `${snippet}\nsetInterval(() => get('catalog-db', '/healthz').then(` +
        `(r) => console.log('answered by ' + endpoints.get('catalog-db').join(',') + ' ' + r.status),` +
        ` (e) => console.log(e.message)), 200);\n`,
    );
    const oldDb = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('old') });
    const standIn = new DiscoveryStandIn(endpoints(10, { 'catalog-db': [oldDb] }));
    const url = await standIn.listen();
    const reader = spawn(process.execPath, [script], {
      env: {
        PATH: process.env.PATH,
        [endpointsVariableName('catalog-db')]: at([oldDb]),
        FEDERA_DISCOVERY_URL: url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reads: string[] = [];
    reader.stdout.on('data', (chunk: Buffer) => reads.push(chunk.toString()));
    reader.stderr.on('data', (chunk: Buffer) => reads.push(chunk.toString()));
    started.push({ child: reader, port: 0, output: reads });
    try {
      await eventually(() => reads.join('').includes(`answered by ${at([oldDb])} 200`), 20_000);
      const newDb = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('new') });
      standIn.publish(endpoints(12, { 'catalog-db': [newDb] }), 12);
      await stopApp(oldDb);
      await eventually(() => reads.join('').includes(`answered by ${at([newDb])} 200`), 20_000);
    } finally {
      await Promise.all(started.splice(0).map(stopApp));
      await standIn.close();
    }
  });
});

describe('the discovery client (examples/apps/lib/discovery.js)', () => {
  it('gives an application with no dependencies an empty, valid set', async () => {
    const standIn = new DiscoveryStandIn(endpoints(3, { 'catalog-db': [] }));
    const url = await standIn.listen();
    const discovery = new Discovery(['catalog-db'], {
      env: { [endpointsVariableName('catalog-db')]: '', FEDERA_DISCOVERY_URL: url },
      log: () => undefined,
    });
    try {
      await discovery.start();
      expect(discovery.version).toBe(3);
      expect(discovery.endpoints('catalog-db')).toEqual([]);
      await expect(discovery.request('catalog-db', { path: '/kv' })).rejects.toMatchObject({
        code: 'NO_ENDPOINT',
      });
    } finally {
      discovery.close();
      await standIn.close();
    }
  });

  it('keeps the environment’s set while the agent holds none yet (version 0, no applications)', () => {
    const discovery = new Discovery(['catalog-db'], {
      env: { [endpointsVariableName('catalog-db')]: '127.0.0.1:7001' },
      log: () => undefined,
    });
    expect(discovery.adopt({ service: 'shop', version: 0, updatedAt: 0, applications: [] })).toBe(
      false,
    );
    expect(discovery.endpoints('catalog-db')).toEqual(['127.0.0.1:7001']);
    expect(discovery.version).toBe(0);
  });

  it('keeps the newest set and ignores an older version delivered late', async () => {
    const db = await startApp('kv-store', { FEDERA_DATA_DIR: dataDir('db') });
    const discovery = new Discovery(['catalog-db'], { env: {}, log: () => undefined });
    expect(discovery.adopt(endpoints(5, { 'catalog-db': [db] }))).toBe(true);
    expect(discovery.adopt(endpoints(4, { 'catalog-db': [] }))).toBe(false);
    expect(discovery.endpoints('catalog-db')).toEqual([`127.0.0.1:${db.port}`]);
    expect(discovery.adopt({ version: 6, applications: [{ name: 'catalog-db' }] })).toBe(false);
    expect(discovery.version).toBe(5);
    const answer = await discovery.request('catalog-db', { path: '/kv?prefix=product/' });
    expect(answer).toMatchObject({ status: 200, endpoint: `127.0.0.1:${db.port}` });
  });
});
