import type { ForecastView } from '@federa/contracts';
import { forecastChart } from './forecast-chart';
import { forecastOutput, forecastQuery } from './forecast';

const HOUR = 3_600_000;
const start = Date.parse('2026-12-01T00:00:00.000Z');
const at = (h: number) => new Date(start + h * HOUR).toISOString();

/** 24 h observed around 4 cores, then 48 h forecast rising to 8 with a widening band; capacity 8. */
function view(overrides: Partial<ForecastView> = {}): ForecastView {
  return {
    scope: 'site',
    subject: 'geneva',
    resource: 'cpu',
    unit: 'millicores',
    status: 'forecast',
    computedAt: at(24),
    horizonHours: 48,
    historyHours: 336,
    demand: 4000,
    capacity: 8000,
    forecastDemand: 8000,
    runsOutAt: at(66),
    warning: true,
    reason: null,
    history: Array.from({ length: 24 }, (_, h) => ({ at: at(h), value: 4000 })),
    points: Array.from({ length: 48 }, (_, h) => {
      const mean = 4000 + (4000 * (h + 1)) / 48;
      const spread = 100 + 20 * h;
      return {
        at: at(24 + h),
        mean,
        lower80: mean - spread,
        upper80: mean + spread,
        lower95: mean - 1.5 * spread,
        upper95: mean + 1.5 * spread,
      };
    }),
    ...overrides,
  };
}

describe('forecast chart', () => {
  const chart = forecastChart(view(), { width: 36, height: 10 });
  const lines = chart.split('\n');

  it('draws the observed hours, then the forecast inside its band, against the capacity line', () => {
    const plot = lines.slice(0, 10);
    // 72 hours in 36 columns: 12 observed columns, then 24 forecast columns.
    const cells = plot.map((line) => line.slice(line.indexOf('┤') + 1).padEnd(36));
    const column = (x: number) => cells.map((row) => row[x]).join('');
    expect(column(0)).toContain('·');
    expect(column(0)).not.toContain('*');
    expect(column(35)).toContain('*');
    expect(column(35)).toContain('░');
    expect(column(12)).toContain('*');
    // The band widens: more band cells at the end than at the start of the forecast.
    const band = (x: number) => [...column(x)].filter((c) => c === '░' || c === '*').length;
    expect(band(35)).toBeGreaterThan(band(12));
    // The capacity (8 cores) is one row across the observed part.
    const capacityRow = cells.findIndex((row) => row.startsWith('─'));
    expect(capacityRow).toBeGreaterThanOrEqual(0);
    expect(cells[capacityRow].slice(0, 12)).toBe('─'.repeat(12));
  });

  it('labels the value axis in cores and names the time span and the legend', () => {
    expect(lines[0]).toMatch(/^9\.49 cores ┤/);
    expect(lines[9]).toMatch(/^ *0\.00 cores ┤/);
    expect(lines[11]).toMatch(/^ +12-01 00:00 now +12-03 23:00$/);
    expect(forecastChart(view()).split('\n')[13]).toMatch(/^ +12-01 00:00 +now +12-03 23:00$/);
    expect(lines[12]).toBe(
      '· observed   * forecast   ░ 80 % interval   ─ capacity 8.00 cores   2 h per column',
    );
  });

  it('draws nothing for a forecast without points', () => {
    expect(forecastChart(view({ points: [], status: 'insufficient-history' }))).toBe('');
  });
});

describe('federa forecast output', () => {
  it('shows when a site runs out, with the warning, and why another has no forecast', () => {
    const text = forecastOutput(
      {
        warnDays: 7,
        items: [
          view({ history: undefined, points: undefined }),
          view({
            subject: 'lausanne',
            status: 'insufficient-history',
            demand: null,
            forecastDemand: null,
            runsOutAt: null,
            warning: false,
            historyHours: 40,
            reason: '40 hours of history, at least 72 needed',
          }),
        ],
      },
      'table',
      false,
    );
    const [header, geneva, lausanne] = text.split('\n');
    expect(header).toMatch(/^SCOPE +SUBJECT +RESOURCE +NOW +CAPACITY +USED +FORECAST +RUNS OUT$/);
    expect(geneva).toMatch(
      /site +geneva +cpu +4\.00 cores +8\.00 cores +50 % +8\.00 cores in 2 d +2026-12-03 18:00 \(in 1\.8 d\) WARNING/,
    );
    expect(lausanne).toMatch(/lausanne .* no forecast: 40 hours of history, at least 72 needed$/);
  });

  it('says there are no forecasts yet rather than printing an empty table', () => {
    expect(forecastOutput({ warnDays: 7, items: [] }, 'table', false)).toMatch(/^no forecasts yet/);
  });
});

describe('federa forecast arguments', () => {
  const chart = { chart: true };

  it('reads a subject as the fleet, an application or a site, and charts it', () => {
    expect(forecastQuery('fleet', chart).toString()).toBe('scope=fleet&series=true');
    expect(forecastQuery('shop/web', chart).toString()).toBe(
      'scope=application&subject=shop%2Fweb&series=true',
    );
    expect(forecastQuery('geneva', { ...chart, resource: 'cpu' }).toString()).toBe(
      'scope=site&subject=geneva&resource=cpu&series=true',
    );
  });

  it('lists every forecast, or one scope, without charts when no subject is named', () => {
    expect(forecastQuery(undefined, chart).toString()).toBe('');
    expect(forecastQuery(undefined, { ...chart, scope: 'site' }).toString()).toBe('scope=site');
    expect(forecastQuery('geneva', { chart: false }).toString()).toBe('scope=site&subject=geneva');
  });
});
