import { failedShownMs, instancesByHost } from './instances-by-host';

describe('instances grouped by host', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const instance = (id: string, host: string | null, state: string, msAgo = 0) => ({
    id,
    host,
    state,
    since: at(msAgo),
  });

  it('groups live instances by host in host order, unplaced ones last', () => {
    const groups = instancesByHost(
      [
        instance('a', 'h2', 'healthy'),
        instance('b', null, 'pending'),
        instance('c', 'h1', 'running'),
      ],
      now,
    );
    expect(groups.map(([host, list]) => [host, list.map((i) => i.id)])).toEqual([
      ['h1', ['c']],
      ['h2', ['a']],
      ['(not placed)', ['b']],
    ]);
  });

  it('keeps a failed instance for a quarter of an hour, then lets it go', () => {
    const recent = instance('f1', 'h1', 'failed', failedShownMs - 1000);
    const old = instance('f2', 'h1', 'failed', failedShownMs + 1000);
    expect(instancesByHost([recent, old], now)[0][1].map((i) => i.id)).toEqual(['f1']);
  });

  it('shows an instance once when it is in both the live and the failed answer', () => {
    const groups = instancesByHost(
      [instance('x', 'h1', 'healthy'), instance('x', 'h1', 'failed')],
      now,
    );
    expect(groups[0][1]).toHaveLength(1);
  });

  it('leaves stopped instances out', () => {
    expect(instancesByHost([instance('s', 'h1', 'stopped')], now)).toEqual([]);
  });
});
