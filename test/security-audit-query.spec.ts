import type { NewEvent, RecordedEvent } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

const token = 'audit-query-admin-token';

/** A test event whose metadata names `actor`. */
function by(actor: string, n: number): NewEvent {
  const event = testEvent('UsageRecorded', { n });
  return { ...event, metadata: { ...event.metadata, actor } };
}

describe('the event log asked who did what', () => {
  let log: TestEventLog;
  let gateway: GatewayApp;

  beforeAll(async () => {
    log = await openTestEventLog('audit_query');
    await log.store.append('stats-a', 'no-stream', [by('token:alice', 1), by('token:bob', 2)]);
    await log.store.append('stats-b', 'no-stream', [by('token:alice', 3), by('supervision', 4)]);
    await log.store.append('stats-c', 'no-stream', [by('token:alice', 5)]);
    gateway = await createGatewayApp({
      databaseUrl: log.db.url,
      natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: token,
      heartbeatMs: 1000,
      subjectPrefix: uniquePrefix('audq'),
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await log?.close();
  });

  const get = (path: string) =>
    fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const numbers = (page: { items: RecordedEvent[] }) =>
    page.items.map((e) => (e.data as { n: number }).n);

  it("pages through one actor's events only, next continuing after the last one served", async () => {
    const first = (await (await get('/v1/events?actor=token:alice&limit=2')).json()) as {
      items: RecordedEvent[];
      next: number;
    };
    expect(numbers(first)).toEqual([1, 3]);
    expect(first.next).toBe(first.items[1].position);
    const rest = (await (
      await get(`/v1/events?actor=token:alice&after=${first.next}`)
    ).json()) as typeof first;
    expect(numbers(rest)).toEqual([5]);
    const bob = (await (await get('/v1/events?actor=token%3Abob')).json()) as typeof first;
    expect(numbers(bob)).toEqual([2]);
    const nobody = (await (await get('/v1/events?actor=token:carol')).json()) as typeof first;
    expect(nobody).toEqual({ items: [], next: 0 });
  });

  it('answers 400 naming actor for a malformed or repeated actor', async () => {
    for (const query of ['actor=token:a%20b', 'actor=', 'actor=token:a&actor=token:b']) {
      const response = await get(`/v1/events?${query}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { details: { path: string }[] } };
      expect(body.error.details.map((d) => d.path)).toEqual(['actor']);
    }
    expect((await get('/v1/events/stream?actor=Token')).status).toBe(400);
  });

  it("streams one actor's events, old and new, and nothing of others", async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/events/stream?actor=token:alice`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
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
    await eventually(() => received.length === 3);
    await log.store.append('stats-d', 'no-stream', [by('token:bob', 6), by('token:alice', 7)]);
    await eventually(() => received.length === 4);
    controller.abort();
    await reading;
    expect(received.map((e) => (e.data as { n: number }).n)).toEqual([1, 3, 5, 7]);
  });

  it('gives one actor to one live token: a live name again is 409 and admin is 400, both naming name', async () => {
    const create = (name: string) =>
      fetch(`${gateway.url}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'viewer', name }),
      });
    type Answer = { id: string; error: { code: string; details: { path: string }[] } };
    const first = await create('ci');
    expect(first.status).toBe(201);
    const again = await create('ci');
    expect(again.status).toBe(409);
    const conflict = (await again.json()) as Answer;
    expect(conflict.error.code).toBe('conflict');
    expect(conflict.error.details.map((d) => d.path)).toEqual(['name']);
    for (const reserved of ['admin', 'Admin']) {
      const answer = await create(reserved);
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as Answer).error.details.map((d) => d.path)).toEqual(['name']);
    }
    // Revoked, its name is free again.
    const { id } = (await first.json()) as Answer;
    const revoked = await fetch(`${gateway.url}/v1/tokens/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(204);
    expect((await create('ci')).status).toBe(201);
  });

  it("has an index that serves the question in the readers' order", async () => {
    // On a log this small the planner reads the table anyway: seqscan off asks whether it could not.
    const client = await log.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT position FROM eventlog.events WHERE (metadata->>'actor') = 'token:alice'
         ORDER BY (metadata->>'actor'), transaction_id, position`,
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(
        'events_actor_transaction_position',
      );
    } finally {
      client.release(true);
    }
  });
});
