import { Command, Option } from 'commander';
import { CostGroupings, type CostLineView, type CostReport } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { money } from '../money';
import { renderOutput, type Column } from '../render-output';
import { setWindowFlags } from '../time-flag';

interface CostsOptions {
  groupBy: string;
  from?: string;
  to?: string;
  service?: string;
  api?: string;
  output?: string;
}

/** `federa costs [--group-by service|application|host|site] [--from 7d|ISO] [--to ISO] [--service NAME]`. */
export function costsCommand(): Command {
  const command = new Command('costs')
    .description(
      "cost per service, application, host or site over a window: usage at each host's rates with its UPS/RAID surcharges, plus hosts' standing cost",
    )
    .addOption(
      new Option('--group-by <grouping>', 'what to sum by')
        .choices([...CostGroupings])
        .default('service'),
    )
    .option('--from <time>', 'start: ISO 8601, or a duration back from --to (7d, 12h); default 24h')
    .option('--to <time>', 'end, exclusive: ISO 8601; default now')
    .option('--service <name>', 'only this service (with --group-by service or application)')
    .action(
      guarded(async (options: CostsOptions) => {
        const report = await apiClientOf(options).get<CostReport>(
          `/v1/costs?${costsQuery(options)}`,
        );
        process.stdout.write(`${renderCosts(outputOf(options), report)}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}

/** The query string for `/v1/costs`; a relative --from is resolved against --to (or now). */
export function costsQuery(options: CostsOptions, now = Date.now()): URLSearchParams {
  const query = new URLSearchParams({ groupBy: options.groupBy });
  setWindowFlags(query, options, now);
  if (options.service) query.set('service', options.service);
  return query;
}

const costColumns = (groupBy: string): Column<CostLineView>[] => [
  { header: groupBy.toUpperCase(), value: (l) => l.key },
  { header: 'COST', value: (l) => money(l.cost) },
  { header: 'USAGE', value: (l) => money(l.usageCost) },
  { header: 'STANDING', value: (l) => money(l.standingCost) },
  ...(groupBy === 'service'
    ? [{ header: 'BUDGET/H', value: (l: CostLineView) => budgetCell(l) }]
    : []),
];

function budgetCell(line: CostLineView): string {
  if (!line.budget) return '';
  const max = money(line.budget.maxCostPerHour);
  return line.budget.exceededSince ? `${max} EXCEEDED` : max;
}

/** The report as a table with a total line (or JSON with -o json). */
export function renderCosts(format: ReturnType<typeof outputOf>, report: CostReport): string {
  const table = renderOutput(format, report, report.items, costColumns(report.groupBy));
  if (format !== 'table' && format !== 'wide') return table;
  const idle =
    report.unattributed > 0
      ? `, of which ${money(report.unattributed)} idle hosts' standing cost`
      : '';
  return `${table}\n\nTotal ${money(report.total)} from ${report.from} to ${report.to}${idle}`;
}

/** What `describe service` shows of cost: the last hour's cost against the budget, and a breach. */
export async function serviceCostLines(
  api: ApiClient,
  service: string,
  now = Date.now(),
): Promise<string[]> {
  const query = new URLSearchParams({
    groupBy: 'service',
    service,
    from: new Date(now - 3_600_000).toISOString(),
    to: new Date(now).toISOString(),
  });
  let report: CostReport;
  try {
    report = await api.get<CostReport>(`/v1/costs?${query}`);
  } catch {
    return ['Cost:     unavailable (statistics not answering)'];
  }
  return costLines(report.items.find((l) => l.key === service));
}

export function costLines(line: CostLineView | undefined): string[] {
  const cost = `Cost:     ${money(line?.cost ?? 0)}/h over the last hour`;
  const budget = line?.budget;
  if (!budget) return [cost];
  const lines = [`${cost} (budget ${money(budget.maxCostPerHour)}/h)`];
  if (budget.exceededSince)
    lines.push(
      `Budget:   exceeded since ${budget.exceededSince} (${money(budget.exceededCostPerHour ?? 0)}/h measured)`,
    );
  return lines;
}
