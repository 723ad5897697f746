import { pageOf, type ListInstancesQuery, type RecordedEvent } from '@federa/contracts';
import { compareBytes, InstanceListIndex } from './instance-list-index';
import { isLive, type InstanceView } from './instance-view';
import { instanceSummary } from './instance-summary';

let position = 0;
const event = (id: string, type: string, data: Record<string, unknown> = {}): RecordedEvent => ({
  position: ++position,
  streamId: `instance-${id}`,
  streamVersion: 1,
  type,
  schemaVersion: 1,
  data: { instance: id, ...data },
  metadata: { correlationId: 'c', actor: 'test', occurredAt: `2026-01-01T00:00:${position}Z` },
  eventId: `e-${position}`,
  recordedAt: '2026-01-01T00:00:00Z',
});

const requested = (id: string, service: string, app: string) =>
  event(id, 'InstanceRequested', { service, app, layer: 'sim', revision: 1, dataAgeMs: 5 });

/** What the read model's query answers for the same views: filter, byte order, pageOf. */
function expected(views: InstanceView[], query: ListInstancesQuery, maxBytes?: number): string {
  const rows = views
    .filter((v) => (query.state === undefined ? isLive(v) : v.state === query.state))
    .filter((v) => query.service === undefined || v.service === query.service)
    .filter((v) => query.app === undefined || v.app === query.app)
    .filter((v) => query.host === undefined || v.host === query.host)
    .filter((v) => query.after === undefined || compareBytes(v.id, query.after) > 0)
    .sort((a, b) => compareBytes(a.id, b.id))
    .slice(0, (query.limit ?? 100) + 1)
    .map(instanceSummary);
  return JSON.stringify(pageOf(rows, query.limit ?? 100, (i) => i.id, maxBytes));
}

/** The page's text; a test of a page memory cannot answer fails here, naming the query. */
function pageText(index: InstanceListIndex, query: ListInstancesQuery, maxBytes?: number): string {
  const text = index.page(query, maxBytes);
  if (text === undefined) throw new Error(`no page from memory for ${JSON.stringify(query)}`);
  return text;
}

function shop(): { index: InstanceListIndex; views: () => InstanceView[] } {
  const index = new InstanceListIndex();
  const ids = ['web-3', 'web-1', 'db-1', 'web-2', 'cache-1', 'Web-9'];
  index.apply(ids.map((id) => requested(id, id === 'Web-9' ? 'other' : 'shop', id.split('-')[0])));
  index.apply([
    event('web-1', 'InstancePlaced', { host: 'h1', generation: 1 }),
    event('web-1', 'InstanceRunning', { endpoint: { address: '10.0.0.1', port: 80 } }),
    event('db-1', 'InstancePlaced', { host: 'h2' }),
    event('web-2', 'InstancePlaced', { host: 'h1' }),
    event('web-2', 'InstanceFailed', { reason: 'exited with code 1' }),
    event('cache-1', 'InstanceStopRequested', {}),
    event('cache-1', 'InstanceStopped', {}),
  ]);
  return {
    index,
    views: () => ids.map((id) => index.view(id) as InstanceView),
  };
}

describe('InstanceListIndex', () => {
  it('answers the same page text as the read model for every filter, state and page', () => {
    const { index, views } = shop();
    const queries: ListInstancesQuery[] = [
      {},
      { limit: 1 },
      { limit: 2, after: 'db-1' },
      { after: 'web-1' },
      { after: 'zzz' },
      { service: 'shop' },
      { app: 'web' },
      { host: 'h1' },
      { state: 'failed' },
      { state: 'stopped', app: 'cache' },
      { state: 'placed', host: 'h2' },
      { service: 'shop', app: 'web', host: 'h1', limit: 1 },
    ];
    for (const query of queries)
      expect([query, index.page(query)]).toEqual([query, expected(views(), query)]);
  });

  it('moves an instance out of the live list when it ends and renders its change', () => {
    const { index } = shop();
    expect(
      JSON.parse(pageText(index, { app: 'web' })).items.map((i: { id: string }) => i.id),
    ).toEqual(['web-1', 'web-3']);
    index.apply([event('web-1', 'InstanceHealthy')]);
    index.apply([event('web-3', 'InstanceStopRequested'), event('web-3', 'InstanceStopped')]);
    const page = JSON.parse(pageText(index, { app: 'web' }));
    expect(page.items).toEqual([
      expect.objectContaining({ id: 'web-1', state: 'healthy', endpoint: expect.anything() }),
    ]);
    expect(
      JSON.parse(pageText(index, { state: 'stopped' })).items.map((i: { id: string }) => i.id),
    ).toEqual(['cache-1', 'web-3']);
  });

  it('ends a page early, with next, before it outgrows the bytes a page may take', () => {
    const { index, views } = shop();
    const oneItem = Buffer.byteLength(JSON.stringify(instanceSummary(views()[0])));
    for (const maxBytes of [1, oneItem + 1, 2 * oneItem + 10, 10_000]) {
      expect(index.page({}, maxBytes)).toBe(expected(views(), {}, maxBytes));
    }
    expect(JSON.parse(pageText(index, {}, 1))).toEqual({
      items: [expect.anything()],
      next: 'Web-9',
    });
  });

  it('lets the earliest ended instances go past its bound, and then leaves lists of ended ones to the read model', () => {
    const index = new InstanceListIndex(2);
    const ids = ['a', 'b', 'c', 'd'];
    index.apply(ids.map((id) => requested(id, 'shop', 'web')));
    // Ended in the order c, a, b: c is the first to go once a third has ended.
    for (const id of ['c', 'a', 'b'])
      index.apply([event(id, 'InstanceStopRequested'), event(id, 'InstanceStopped')]);
    expect(index.view('c')).toBeUndefined();
    expect(index.view('a')?.state).toBe('stopped');
    expect(index.size).toBe(3);
    expect(index.page({ state: 'stopped' })).toBeUndefined();
    expect(index.page({ state: 'failed', app: 'web' })).toBeUndefined();
    // Lists of live ones are whole still: the live are never let go.
    expect(JSON.parse(pageText(index, {})).items.map((i: { id: string }) => i.id)).toEqual(['d']);
    expect(pageText(index, { state: 'pending' })).toBe(pageText(index, {}));
    // A late word of the one let go brings nothing back.
    index.apply([event('c', 'InstanceRunning'), event('c', 'InstanceStopped')]);
    expect(index.view('c')).toBeUndefined();
    expect(index.size).toBe(3);
  });

  it('answers lists of ended instances while it has let none go', () => {
    const index = new InstanceListIndex(2);
    index.apply([requested('a', 'shop', 'web'), requested('b', 'shop', 'web')]);
    index.apply([event('a', 'InstanceFailed', { reason: 'exited' })]);
    index.apply([event('b', 'InstanceStopRequested'), event('b', 'InstanceStopped')]);
    expect(JSON.parse(pageText(index, { state: 'failed' })).items).toEqual([
      expect.objectContaining({ id: 'a', state: 'failed' }),
    ]);
  });

  it('leaves a view alone for events of other streams and types it does not know', () => {
    const { index } = shop();
    const before = index.page({ state: 'failed' });
    index.apply([
      { ...event('x', 'HostDown', { host: 'h1' }), streamId: 'host-h1' },
      event('web-2', 'InstanceSomethingNew'),
      event('web-2', 'InstanceRunning'),
    ]);
    expect(index.page({ state: 'failed' })).toBe(before);
  });
});

describe('compareBytes', () => {
  it('orders strings as their UTF-8 bytes do, as Postgres COLLATE "C" does', () => {
    const words = ['b', 'a', 'B', 'ab', 'a', '\uffee', '😀', 'é', 'z\u0000', 'z', ''];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareBytes)).toEqual(byBytes);
  });
});
