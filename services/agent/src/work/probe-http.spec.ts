import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstanceTable, type InstanceEntry } from '../instances/instance-table';
import { HostAgentFixture } from '../testing/host-agent-fixture';
import { probeHttp } from './probe-http';

function entryOn(port: number | undefined, state = 'running'): InstanceEntry {
  return InstanceTable.entryOf({
    spec: {
      instance: 'shop-web-1',
      service: 'shop',
      app: 'web',
      artifact: {},
      resources: { cpuMillis: 100, memoryBytes: 1, storageBytes: 0, bandwidthBps: 0 },
      dataDir: '/nonexistent',
    },
    layer: 'process',
    state,
    handle: port === undefined ? { pid: 1 } : { pid: 1, port },
  });
}

describe('probe-http', () => {
  let server: Server;
  let status = 200;
  let body: string | undefined;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/checkout/health' ? status : 404;
      res.end(
        body ?? (status === 200 ? 'ok\n' : 'payment unreachable: connect ECONNREFUSED\nstack...'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('passes when the instance answers the path with a success', async () => {
    status = 200;
    expect(await probeHttp(entryOn(port), '/checkout/health', 1000)).toEqual({
      healthy: true,
      state: 'running',
    });
  });

  it("fails on an error status, quoting the first line of the app's answer", async () => {
    status = 503;
    expect(await probeHttp(entryOn(port), '/checkout/health', 1000)).toEqual({
      healthy: false,
      detail: 'GET /checkout/health answered 503: payment unreachable: connect ECONNREFUSED',
      state: 'running',
    });
  });

  it("quotes a JSON answer's error, not the rest of it", async () => {
    status = 503;
    body = JSON.stringify({
      status: 'failing',
      error: 'catalog-db unreachable',
      detail: 'tried 10.0.0.5:7001, 10.0.0.6:7001',
    });
    try {
      expect((await probeHttp(entryOn(port), '/checkout/health', 1000)).detail).toBe(
        'GET /checkout/health answered 503: catalog-db unreachable',
      );
    } finally {
      body = undefined;
    }
  });

  it('fails an instance that is not live without asking its old port', async () => {
    status = 200;
    for (const state of ['stopped', 'failed', 'stopping']) {
      expect(await probeHttp(entryOn(port, state), '/checkout/health', 1000)).toEqual({
        healthy: false,
        detail: `instance shop-web-1 is ${state}`,
        state,
      });
    }
  });

  it('fails saying why when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freed = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await probeHttp(entryOn(freed), '/checkout/health', 1000);
    expect(outcome.healthy).toBe(false);
    expect(outcome.detail).toMatch(/^GET \/checkout\/health failed: .*ECONNREFUSED/);
  });

  it('fails when the agent does not know where the instance listens', async () => {
    expect(await probeHttp(entryOn(undefined), '/h')).toEqual({
      healthy: false,
      detail: 'the agent does not know where instance shop-web-1 listens',
      state: 'running',
    });
  });

  it('is answered at once by the agent, queues no work, records no answer, and refuses an instance it does not run', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    // Read-only: neither its answer nor a refusal is written to the command ledger.
    const ledger = async () => (await host.store.loadAnswers()).map(([id]) => id);
    const before = await ledger();
    const reply = await host.send({ type: 'probe-http', instance: 'web-1', path: '/h' });
    expect(reply).toMatchObject({
      ok: true,
      result: { type: 'probe-http', probe: { healthy: false, state: 'running' } },
    });
    await host.agent.settled();
    expect(host.outcomes('probe-http')).toEqual([]);

    const unknown = await host.send({ type: 'probe-http', instance: 'web-9', path: '/h' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const bad = await host.send({ type: 'probe-http', instance: 'web-1', path: 'h' });
    expect(bad).toMatchObject({
      ok: false,
      error: { details: [{ path: 'path', reason: expect.stringContaining('start with /') }] },
    });
    expect(await ledger()).toEqual(before);
  });
});
