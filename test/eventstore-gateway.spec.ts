import type { RecordedEvent } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

const token = 'events-admin-token';

const usage = (n: number) => testEvent('UsageRecorded', { n });

describe('the event log over the gateway', () => {
  let log: TestEventLog;
  let gateway: GatewayApp;

  beforeAll(async () => {
    log = await openTestEventLog('es_gateway');
    await log.store.append('stats-a', 'no-stream', [usage(1), usage(2), usage(3)]);
    await log.store.append('stats-b', 'no-stream', [usage(4), usage(5)]);
    gateway = await createGatewayApp({
      databaseUrl: log.db.url,
      natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: token,
      heartbeatMs: 1000,
      subjectPrefix: uniquePrefix('esgw'),
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await log?.close();
  });

  const get = (path: string) =>
    fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('pages the log with the contract fields and a next position to continue from', async () => {
    const first = await get('/v1/events?limit=2');
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: RecordedEvent[]; next: number };
    expect(page.items).toHaveLength(2);
    expect(Object.keys(page.items[0]).sort()).toEqual([
      'data',
      'eventId',
      'metadata',
      'position',
      'recordedAt',
      'schemaVersion',
      'streamId',
      'streamVersion',
      'type',
    ]);
    expect(page.items[0]).toMatchObject({ streamId: 'stats-a', streamVersion: 1, data: { n: 1 } });
    expect(page.next).toBe(page.items[1].position);

    const rest = (await (await get(`/v1/events?after=${page.next}`)).json()) as typeof page;
    expect(rest.items.map((e) => (e.data as { n: number }).n)).toEqual([3, 4, 5]);
    const none = (await (await get(`/v1/events?after=${rest.next}`)).json()) as typeof page;
    expect(none).toEqual({ items: [], next: rest.next });
  });

  it('answers 400 naming the field for a bad query parameter', async () => {
    const response = await get('/v1/events?after=minus-one&limit=0');
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string; details: { path: string }[] };
    };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.path)).toEqual(['after', 'limit']);
  });

  it('streams the log as server-sent events and keeps streaming new events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/events/stream?after=3`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const received: RecordedEvent[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) received.push(JSON.parse(data.slice(6)));
        }
      }
    })().catch(() => undefined);
    await eventually(() => received.length === 2);
    await log.store.append('stats-c', 'no-stream', [usage(6)]);
    await eventually(() => received.length === 3);
    controller.abort();
    await reading;
    expect(received.map((e) => (e.data as { n: number }).n)).toEqual([4, 5, 6]);
  });

  it('refuses a limit on the stream with 400', async () => {
    const response = await get('/v1/events/stream?limit=5');
    expect(response.status).toBe(400);
  });
});
