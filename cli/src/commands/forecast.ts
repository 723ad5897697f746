import { Command, Option } from 'commander';
import {
  ForecastQuantities,
  ForecastSubjectScopes,
  type ForecastReport,
  type ForecastView,
} from '@federa/contracts';
import { apiClientOf, outputOf, withApiOption, withOutputOption } from '../command-options';
import { usageExitsTwo, withExitCodes } from '../exit-code';
import { renderDocument, renderOutput, type Column, type OutputFormat } from '../render-output';
import { forecastChart } from './forecast-chart';
import { formatQuantity } from './forecast-quantity';

interface ForecastOptions {
  api?: string;
  output?: string;
  scope?: string;
  resource?: string;
  chart: boolean;
}

/**
 * `federa forecast [NAME]`: the latest forecasts (fleet, sites, applications) with when each site's
 * resources run out; one subject (`fleet`, a site, or `service/application`) also gets a chart of each
 * of its forecasts.
 */
export function forecastCommand(): Command {
  const command = new Command('forecast')
    .description(
      'forecasts of used capacity (fleet, sites) and demand (applications), and when capacity runs out',
    )
    .argument('[name]', 'fleet, a site, or service/application: its forecasts and their charts')
    .addOption(
      new Option('--scope <scope>', 'only forecasts of this scope').choices([
        ...ForecastSubjectScopes,
      ]),
    )
    .addOption(
      new Option('-r, --resource <resource>', 'only this resource').choices([
        ...ForecastQuantities,
      ]),
    )
    .option('--no-chart', 'the table only, without charts')
    .action(
      withExitCodes(async (subject: string | undefined, options: ForecastOptions) => {
        const query = forecastQuery(subject, options);
        const report = await apiClientOf(options).get<ForecastReport>(
          `/v1/forecasts${query.size > 0 ? `?${query}` : ''}`,
        );
        const charted = query.get('series') === 'true';
        process.stdout.write(`${forecastOutput(report, outputOf(options), charted)}\n`);
      }),
    );
  return usageExitsTwo(withOutputOption(withApiOption(command)));
}

/**
 * The query of `federa forecast [NAME]`: `fleet` is the fleet, `service/application` an
 * application, any other name a site (`--scope` says otherwise); one subject is charted.
 */
export function forecastQuery(
  subject: string | undefined,
  options: Pick<ForecastOptions, 'scope' | 'resource' | 'chart'>,
): URLSearchParams {
  const query = new URLSearchParams();
  const scope =
    options.scope ??
    (subject === undefined
      ? undefined
      : subject === 'fleet'
        ? 'fleet'
        : subject.includes('/')
          ? 'application'
          : 'site');
  if (scope) query.set('scope', scope);
  if (subject !== undefined && scope !== 'fleet') query.set('subject', subject);
  if (options.resource) query.set('resource', options.resource);
  if (options.chart && subject !== undefined) query.set('series', 'true');
  return query;
}

/** What `federa forecast` prints: JSON, or the table and, when asked, a chart per forecast. */
export function forecastOutput(
  report: ForecastReport,
  format: OutputFormat,
  charted: boolean,
): string {
  const document = renderDocument(format, report);
  if (document !== undefined) return document;
  if (report.items.length === 0) {
    return 'no forecasts yet: statistics forecasts from its hourly usage, once an hour';
  }
  const table = renderOutput(format, report, report.items, forecastColumns);
  if (!charted || format === 'name') return table;
  const charts = report.items
    .filter((item) => item.status === 'forecast')
    .map((item) => `\n${subjectOf(item)} ${item.resource}\n${forecastChart(item)}`);
  return [table, ...charts].join('\n');
}

export const forecastColumns: Column<ForecastView>[] = [
  { header: 'SCOPE', value: (f) => f.scope },
  { header: 'SUBJECT', value: (f) => f.subject ?? '' },
  { header: 'RESOURCE', value: (f) => f.resource },
  { header: 'NOW', value: (f) => formatQuantity(f.demand, f.unit) },
  { header: 'CAPACITY', value: (f) => formatQuantity(f.capacity, f.unit) },
  {
    header: 'USED',
    value: (f) =>
      f.demand !== null && f.capacity ? `${((f.demand / f.capacity) * 100).toFixed(0)} %` : '',
  },
  {
    header: 'FORECAST',
    value: (f) =>
      f.forecastDemand === null
        ? ''
        : `${formatQuantity(f.forecastDemand, f.unit)} in ${f.horizonHours / 24} d`,
  },
  { header: 'RUNS OUT', value: runsOut },
];

function runsOut(f: ForecastView): string {
  if (f.status !== 'forecast') return `no forecast: ${f.reason ?? f.status}`;
  if (f.capacity === null) return '';
  if (f.runsOutAt === null) return `not within ${f.horizonHours / 24} d`;
  const days = (Date.parse(f.runsOutAt) - Date.parse(f.computedAt)) / 86_400_000;
  const when = `${f.runsOutAt.slice(0, 10)} ${f.runsOutAt.slice(11, 16)}`;
  const left = days <= 0 ? 'already' : `in ${days.toFixed(1)} d`;
  return `${when} (${left})${f.warning ? ' WARNING' : ''}`;
}

function subjectOf(f: ForecastView): string {
  return f.scope === 'fleet' ? 'fleet' : `${f.scope} ${f.subject}`;
}
