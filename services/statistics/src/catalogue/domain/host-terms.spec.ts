import type { HostRecord } from './host-record';
import { hostTermChange, type HostTerm } from './host-terms';

const record = (over: Partial<HostRecord> = {}): HostRecord => ({
  id: 'geneva-1',
  site: 'geneva',
  state: 'ready',
  lifecycle: 'active',
  liveness: 'ready',
  cordoned: false,
  securityLevel: 2,
  capacity: { cpuMillis: 8000, memoryBytes: 1, storageBytes: 1, bandwidthBps: 1 },
  rates: {
    cpuHour: 0.04,
    memoryGiBHour: 0.005,
    storageGiBMonth: 0.1,
    networkGiB: 0.01,
    standingPerHour: 0,
  },
  features: { ups: true, raid: false },
  registeredAt: '2026-01-01T00:00:00.000Z',
  retiredAt: null,
  position: 1,
  ...over,
});

const termOf = (r: HostRecord, validFrom: string): HostTerm => ({
  site: r.site,
  rates: r.rates,
  features: r.features,
  validFrom,
  validTo: null,
});

describe('hostTermChange', () => {
  it('opens the first term at the first registration', () => {
    expect(hostTermChange(undefined, record(), '2026-01-03T00:00:00.000Z')).toEqual({
      open: termOf(record(), '2026-01-01T00:00:00.000Z'),
    });
  });

  it('changes nothing when the host registers again at the same site and rates', () => {
    const open = termOf(record(), '2026-01-01T00:00:00.000Z');
    expect(hostTermChange(open, record({ securityLevel: 3 }), '2026-01-05T00:00:00.000Z')).toEqual(
      {},
    );
  });

  it('closes the open term and opens another when a rate changes', () => {
    const open = termOf(record(), '2026-01-01T00:00:00.000Z');
    const dearer = record({ rates: { ...record().rates, cpuHour: 0.08 } });
    expect(hostTermChange(open, dearer, '2026-01-05T00:00:00.000Z')).toEqual({
      close: '2026-01-01T00:00:00.000Z',
      open: termOf(dearer, '2026-01-05T00:00:00.000Z'),
    });
  });

  it('opens another term when the host moves to another site or its protections change', () => {
    const open = termOf(record(), '2026-01-01T00:00:00.000Z');
    const at = '2026-01-05T00:00:00.000Z';
    expect(hostTermChange(open, record({ site: 'zurich' }), at).open?.site).toBe('zurich');
    expect(hostTermChange(open, record({ features: { ups: true, raid: true } }), at).close).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it('never starts a term before the one it follows, replacing it when they start together', () => {
    const open = termOf(record(), '2026-01-04T00:00:00.000Z');
    const moved = record({ site: 'zurich' });
    expect(hostTermChange(open, moved, '2026-01-02T00:00:00.000Z')).toEqual({
      open: termOf(moved, '2026-01-04T00:00:00.000Z'),
    });
  });
});
