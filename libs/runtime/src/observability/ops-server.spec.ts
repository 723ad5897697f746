import type { ServiceHealthReport } from '@federa/contracts';
import { startOpsServer, type OpsServer } from './ops-server';

describe('ops server', () => {
  let report: ServiceHealthReport;
  let server: OpsServer;
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;

  beforeAll(async () => {
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      health: () => Promise.resolve(report),
      metrics: () =>
        Promise.resolve({ contentType: 'text/plain; version=0.0.4', text: 'federa_up 1\n' }),
    });
  });
  afterAll(() => server.close());

  beforeEach(() => {
    report = { service: 'inventory', ready: true, checks: [{ dependency: 'postgres', up: true }] };
  });

  it('answers /healthz while the process runs', async () => {
    const response = await fetch(url('/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with ok when every dependency is up', async () => {
    const response = await fetch(url('/readyz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 naming each dependency that is down, and why', async () => {
    report = {
      service: 'inventory',
      ready: false,
      checks: [
        { dependency: 'nats', up: true },
        { dependency: 'postgres', up: false, reason: 'connection refused' },
        { dependency: 'read-model', up: false, reason: 'catching up' },
      ],
    };
    const response = await fetch(url('/readyz'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: {
        code: 'unavailable',
        message: 'not ready: postgres is down, read-model is down',
        details: [
          { dependency: 'postgres', status: 'down', reason: 'connection refused' },
          { dependency: 'read-model', status: 'down', reason: 'catching up' },
        ],
      },
    });
  });

  it('serves the metrics with their content type', async () => {
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await response.text()).toBe('federa_up 1\n');
  });

  it('answers 404 naming its endpoints for any other path', async () => {
    const response = await fetch(url('/v1/hosts'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      '/healthz, /readyz and /metrics',
    );
  });

  it('answers 500 in the error format when the health report fails', async () => {
    const failing = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      health: () => Promise.reject(new Error('probe broke')),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${failing.port}/readyz`);
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal');
    } finally {
      await failing.close();
    }
  });

  it("serves prom-client's default registry unless told otherwise", async () => {
    const { register, Counter } = await import('prom-client');
    new Counter({ name: 'ops_server_spec_total', help: 'a counter of this spec' }).inc();
    const defaults = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      health: () => Promise.resolve(report),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${defaults.port}/metrics`);
      expect(response.headers.get('content-type')).toBe(register.contentType);
      expect(await response.text()).toContain('ops_server_spec_total 1');
    } finally {
      await defaults.close();
      register.removeSingleMetric('ops_server_spec_total');
    }
  });

  it('closes though a scrape in flight never answers, cutting it after the grace', async () => {
    let scraping!: () => void;
    const scraped = new Promise<void>((resolve) => (scraping = resolve));
    const hung = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      health: () => Promise.resolve(report),
      metrics: () => {
        scraping();
        return new Promise(() => undefined);
      },
      closeGraceMs: 20,
    });
    const scrape = fetch(`http://127.0.0.1:${hung.port}/metrics`).then(
      () => 'answered',
      () => 'cut',
    );
    await scraped;
    await hung.close();
    expect(await scrape).toBe('cut');
  });

  it('closes once however many times it is asked to', async () => {
    const twice = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      health: () => Promise.resolve(report),
    });
    await Promise.all([twice.close(), twice.close()]);
    await expect(twice.close()).resolves.toBeUndefined();
  });
});
