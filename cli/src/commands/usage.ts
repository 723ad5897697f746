import { Command } from 'commander';
import { formatBytes, type UsageLineView, type UsageReport } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput, type Column, type OutputFormat } from '../render-output';
import { setWindowFlags } from '../time-flag';

interface UsageOptions {
  service?: string;
  app?: string;
  host?: string;
  from?: string;
  to?: string;
  api?: string;
  output?: string;
}

/** `federa usage [--service S] [--app A] [--host H] [--from 6h|ISO] [--to ISO] [-o json]`. */
export function usageCommand(): Command {
  const command = new Command('usage')
    .description(
      'usage per instance and host over a window: cpu-seconds, memory GiB-minutes, storage GiB-hours, network in and out, load',
    )
    .option('--service <name>', 'only instances of this service')
    .option('--app <name>', 'only instances of this application')
    .option('--host <id>', 'only usage on this host')
    .option('--from <time>', 'start: ISO 8601, or a duration back from --to (30m, 6h); default 1h')
    .option('--to <time>', 'end, exclusive: ISO 8601; default now')
    .action(
      guarded(async (options: UsageOptions) => {
        const report = await apiClientOf(options).get<UsageReport>(
          `/v1/usage?${usageQuery(options)}`,
        );
        process.stdout.write(`${renderUsage(outputOf(options), report)}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}

/** The query string for `/v1/usage`; a relative --from is resolved against --to (or now). */
export function usageQuery(options: UsageOptions, now = Date.now()): URLSearchParams {
  const query = new URLSearchParams();
  for (const key of ['service', 'app', 'host'] as const) {
    if (options[key]) query.set(key, options[key]);
  }
  setWindowFlags(query, options, now);
  return query;
}

const amount = (n: number): string =>
  n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(3);

export const usageColumns: Column<UsageLineView>[] = [
  { header: 'SERVICE', value: (l) => l.service ?? '?' },
  { header: 'APP', value: (l) => l.app ?? '?' },
  { header: 'INSTANCE', value: (l) => l.instance },
  { header: 'HOST', value: (l) => l.host },
  { header: 'CPU-S', value: (l) => amount(l.cpuSeconds) },
  { header: 'MEM GIB-MIN', value: (l) => amount(l.memoryGibMinutes) },
  { header: 'DISK GIB-H', value: (l) => amount(l.storageGibHours) },
  { header: 'NET IN', value: (l) => formatBytes(l.networkInBytes) },
  { header: 'NET OUT', value: (l) => formatBytes(l.networkOutBytes) },
  { header: 'LOAD', value: (l) => (l.load === null ? '' : l.load.toFixed(2)) },
  { header: 'MINUTES', value: (l) => l.minutes },
];

/** The report as a table (with the window, and a note when it was cut short), or as JSON. */
export function renderUsage(format: OutputFormat, report: UsageReport): string {
  const body = renderOutput(format, report, report.lines, usageColumns);
  if (format !== 'table' && format !== 'wide') return body;
  const window = `usage from ${report.from} to ${report.to}`;
  const lines = report.lines.length === 0 ? 'no usage recorded in this window' : body;
  const cut = report.truncated
    ? '\n(more instances matched: narrow with --service, --app or --host)'
    : '';
  return `${window}\n${lines}${cut}`;
}
