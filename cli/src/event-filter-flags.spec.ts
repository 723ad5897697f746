import { UsageError } from './exit-code';
import { eventFiltersOf, narrowsLog, setEventFilters } from './event-filter-flags';

describe('the event filter flags', () => {
  const now = Date.parse('2026-12-07T12:00:00.000Z');

  it('become the query the gateway reads, a relative --from counted back from now', () => {
    const filters = eventFiltersOf(
      { actor: 'token:ci', type: 'HostDown, HostRecovered', stream: 'host-mph-1', from: '2h' },
      now,
    );
    expect(filters).toEqual({
      actor: 'token:ci',
      types: ['HostDown', 'HostRecovered'],
      stream: 'host-mph-1',
      from: '2026-12-07T10:00:00.000Z',
    });
    expect(setEventFilters(new URLSearchParams({ after: '0' }), filters).toString()).toBe(
      'after=0&actor=token%3Aci&type=HostDown%2CHostRecovered&stream=host-mph-1&from=2026-12-07T10%3A00%3A00.000Z',
    );
    expect(eventFiltersOf({ service: 'shop', from: '2026-12-07T11:00:00+01:00' }, now)).toEqual({
      service: 'shop',
      from: '2026-12-07T10:00:00.000Z',
    });
  });

  it('refuse a malformed type or time, naming the flag', () => {
    expect(() => eventFiltersOf({ type: 'Host Down' })).toThrow(UsageError);
    expect(() => eventFiltersOf({ type: 'Host Down' })).toThrow(/^--type: /);
    expect(() => eventFiltersOf({ from: 'yesterday' })).toThrow(/^--from: /);
  });

  it('say when a page may end short of the log: any filter but the actor', () => {
    expect(narrowsLog({ actor: 'supervision' })).toBe(false);
    expect(narrowsLog({ service: 'shop' })).toBe(true);
    expect(narrowsLog({})).toBe(false);
  });
});
