import type { FieldError, RecordedEvent } from '@federa/contracts';
import { matchesEventFilters, narrows, parseEventFilters } from './event-filters';

const event = (over: Partial<RecordedEvent>): RecordedEvent => ({
  position: 1,
  streamId: 'instance-shop-web-1',
  streamVersion: 1,
  type: 'InstanceHealthy',
  schemaVersion: 1,
  data: { service: 'shop', app: 'web', instance: 'shop-web-1', host: 'mph-1' },
  metadata: { actor: 'supervision' } as RecordedEvent['metadata'],
  eventId: '00000000-0000-4000-8000-000000000001',
  recordedAt: '2026-12-07T10:00:00.000Z',
  ...over,
});

describe('event filters', () => {
  it('reads types, a stream, a service and a time from the query', () => {
    const errors: FieldError[] = [];
    const filters = parseEventFilters(
      {
        type: 'HostDown,HostRecovered,HostDown',
        stream: 'host-mph-1',
        service: 'shop',
        from: '2026-12-07T11:00:00+01:00',
      },
      errors,
    );
    expect(errors).toEqual([]);
    expect(filters).toEqual({
      types: ['HostDown', 'HostRecovered'],
      stream: 'host-mph-1',
      service: 'shop',
      from: '2026-12-07T10:00:00.000Z',
    });
    expect(narrows(filters)).toBe(true);
    expect(narrows({})).toBe(false);
  });

  it('refuses each bad filter, naming it', () => {
    const errors: FieldError[] = [];
    parseEventFilters(
      { type: 'Host Down', stream: 'nohyphen', service: 'Shop', from: 'today' },
      errors,
    );
    expect(errors.map((e) => e.path)).toEqual(['type', 'stream', 'service', 'from']);
    const more: FieldError[] = [];
    parseEventFilters({ type: ['HostDown', 'HostDrained'], from: '2026-12-07T10:00:00' }, more);
    expect(more.map((e) => e.path)).toEqual(['type', 'from']);
  });

  it("keeps a service's own stream and every event naming it in data.service", () => {
    expect(matchesEventFilters(event({}), { service: 'shop' })).toBe(true);
    expect(
      matchesEventFilters(event({ streamId: 'service-shop', data: {} }), { service: 'shop' }),
    ).toBe(true);
    expect(matchesEventFilters(event({}), { service: 'shop-2' })).toBe(false);
    expect(matchesEventFilters(event({ data: null }), { service: 'shop' })).toBe(false);
  });

  it('keeps only the types, the stream and the times asked for', () => {
    expect(matchesEventFilters(event({}), { types: ['InstanceHealthy'] })).toBe(true);
    expect(matchesEventFilters(event({}), { types: ['HostDown'] })).toBe(false);
    expect(matchesEventFilters(event({}), { stream: 'instance-shop-web-1' })).toBe(true);
    expect(matchesEventFilters(event({}), { stream: 'instance-shop-web-2' })).toBe(false);
    expect(matchesEventFilters(event({}), { from: '2026-12-07T10:00:00.000Z' })).toBe(true);
    expect(matchesEventFilters(event({}), { from: '2026-12-07T10:00:00.001Z' })).toBe(false);
  });
});
