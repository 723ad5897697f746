import { Controller, Get, Module, Post } from '@nestjs/common';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { sheddingDefaults } from '../services/gateway/src/api/shedding/shedding-config';

jest.setTimeout(60_000);

/** Reads that take a while, as a list does when Postgres is busy, and a write that does not. */
@Controller('v1/slow')
class SlowController {
  @Get()
  async read() {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { items: [] };
  }

  @Post()
  write() {
    return { accepted: true };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

const token = 'shedding-test-token';
const readConcurrency = 2;
let database: FreshDatabase;
let gateway: GatewayApp;

async function call(method: string, path: string) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

beforeAll(async () => {
  database = await freshDatabase('gateway_shedding');
  gateway = await createGatewayApp(
    {
      databaseUrl: database.url,
      natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: token,
      heartbeatMs: 1000,
      subjectPrefix: uniquePrefix('shed'),
      logLevel: 'silent',
      shedding: {
        ...sheddingDefaults,
        read: {
          concurrency: readConcurrency,
          // A fixed limit: the adaptive one is specified beside its code.
          latencyTargetMs: 0,
          queueLength: 2,
          queueMs: 50,
          standingQueueMs: 10,
          intervalMs: 100,
        },
      },
    },
    [SlowModule],
  );
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describe('gateway load shedding', () => {
  it('refuses a burst of reads beyond its budget with 503 overloaded and Retry-After, serving the rest', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, () => call('GET', '/v1/slow')));
    const served = burst.filter((r) => r.status === 200);
    const shed = burst.filter((r) => r.status === 503);
    expect(served.length + shed.length).toBe(burst.length);
    expect(served.length).toBeGreaterThanOrEqual(readConcurrency);
    expect(shed.length).toBeGreaterThan(0);
    for (const refusal of shed) {
      expect(refusal.retryAfter).toBe('1');
      expect(refusal.json).toEqual({
        error: {
          code: 'overloaded',
          message: expect.stringContaining('retry after 1 s'),
          details: [expect.objectContaining({ class: 'read' })],
        },
      });
    }
  });

  it('answers health, readiness, metrics and writes while reads are being shed', async () => {
    const burst = Promise.all(Array.from({ length: 20 }, () => call('GET', '/v1/slow')));
    // Sent while the burst holds every read slot and fills the queue.
    const [health, ready, metrics, write] = await Promise.all([
      call('GET', '/healthz'),
      call('GET', '/readyz'),
      call('GET', '/metrics'),
      call('POST', '/v1/slow'),
    ]);
    const reads = await burst;
    expect(reads.some((r) => r.status === 503)).toBe(true);
    expect(health.status).toBe(200);
    // Readiness answers on its own terms (it also pings backend services this test does not run),
    // never refused by shedding.
    expect([200, 503]).toContain(ready.status);
    expect(ready.json?.error?.code).not.toBe('overloaded');
    expect(metrics.status).toBe(200);
    expect(write).toMatchObject({ status: 201, json: { accepted: true } });
  });

  it('serves reads again once the burst is over', async () => {
    await Promise.all(Array.from({ length: 20 }, () => call('GET', '/v1/slow')));
    for (let i = 0; i < 3; i++) {
      const pair = await Promise.all([call('GET', '/v1/slow'), call('GET', '/v1/slow')]);
      expect(pair.map((r) => r.status)).toEqual([200, 200]);
    }
  });

  it('counts every refusal in http_requests_shed_total by class and reason', async () => {
    const burst = await Promise.all(Array.from({ length: 20 }, () => call('GET', '/v1/slow')));
    const refused = burst.filter((r) => r.status === 503).length;
    expect(refused).toBeGreaterThan(0);
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const total = [
      ...text.matchAll(/^http_requests_shed_total\{class="read",reason="\w+"\} (\d+)/gm),
    ]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(refused);
    expect(text).toMatch(/^http_requests_in_flight\{class="read"\} \d+/m);
  });
});
