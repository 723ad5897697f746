import type { UsageReport } from '@federa/contracts';
import { renderUsage, usageQuery } from './usage';

const report: UsageReport = {
  from: '2026-03-01T10:00:00.000Z',
  to: '2026-03-01T11:00:00.000Z',
  truncated: false,
  lines: [
    {
      instance: 'shop-web-1',
      service: 'shop',
      app: 'web',
      host: 'mph-1',
      cpuSeconds: 1800,
      memoryGibMinutes: 120,
      storageGibHours: 0.25,
      networkInBytes: 3 * 1024 ** 2,
      networkOutBytes: 9 * 1024 ** 2,
      load: 0.5,
      minutes: 60,
      samples: 3600,
    },
  ],
};

describe('federa usage', () => {
  it('asks for the filters given, and a window back from now for a relative --from', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(usageQuery({ service: 'shop', from: '6h' }, now).toString()).toBe(
      'service=shop&from=2026-03-01T06%3A00%3A00.000Z',
    );
    expect(
      usageQuery({ host: 'mph-1', from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z' }),
    ).toEqual(
      new URLSearchParams({
        host: 'mph-1',
        to: '2026-03-01T11:00:00.000Z',
        from: '2026-03-01T10:00:00.000Z',
      }),
    );
  });

  it('refuses a --to that is not a time, naming the flag', () => {
    expect(() => usageQuery({ to: 'yesterday' })).toThrow(/--to/);
  });

  it('prints a line per instance and host under the window', () => {
    const text = renderUsage('table', report);
    expect(text.split('\n')[0]).toBe(
      'usage from 2026-03-01T10:00:00.000Z to 2026-03-01T11:00:00.000Z',
    );
    expect(text).toMatch(/shop\s+web\s+shop-web-1\s+mph-1\s+1800\s+120\s+0\.250\s+3Mi\s+9Mi/);
    expect(text).toMatch(/0\.50\s+60/);
  });

  it('says when nothing was recorded, and prints the report itself with -o json', () => {
    expect(renderUsage('table', { ...report, lines: [] })).toContain(
      'no usage recorded in this window',
    );
    expect(JSON.parse(renderUsage('json', report))).toEqual(report);
  });
});
