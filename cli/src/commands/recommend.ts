import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import type { MigrationSummary, Recommendation, RecommendationList } from '@federa/contracts';
import { apiClientOf, guarded, withApiOption, withOutputOption } from '../command-options';
import { money } from '../money';
import { renderOutput, type Column } from '../render-output';
import { printMigration } from './migrate';
import { waitTimeoutOf, withWaitOptions, type WaitFlags } from '../wait-flags';

const recommendationColumns: Column<Recommendation>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'RECOMMENDATION', value: (r) => r.message },
  { header: 'SAVING/H', value: (r) => money(r.savingPerHour) },
  { header: 'MODE', value: (r) => r.mode },
];

const wideColumns: Column<Recommendation>[] = [
  { header: 'BEFORE/H', value: (r) => money(r.costPerHour.before) },
  { header: 'AFTER/H', value: (r) => money(r.costPerHour.after) },
];

/** The list as a table with a total line, or a word when there is nothing to save; -o json or yaml: the answer. */
export function renderRecommendations(format: string, list: RecommendationList): string {
  if (format === 'json') return JSON.stringify(list, null, 2);
  if (format === 'yaml') return stringify(list).trimEnd();
  if (list.items.length === 0) {
    return `No cheaper placement saves at least ${money(list.minSavingPerHour)}/h now.`;
  }
  const table = renderOutput(
    format === 'wide' ? 'wide' : 'table',
    list,
    list.items,
    recommendationColumns,
    wideColumns,
  );
  const count = list.items.length === 1 ? '1 move' : `${list.items.length} moves`;
  return `${table}\n\n${count} would save ${money(list.savingPerHour)}/h; apply one with: federa recommend apply ID`;
}

/** `federa recommend [--service NAME]` and `federa recommend apply ID [--wait]`. */
export function recommendCommand(): Command {
  const command = new Command('recommend')
    .description(
      'cheaper placements that keep every rule: where each running instance would cost less (changes nothing)',
    )
    .option('--service <name>', 'only the instances of this service')
    .action(
      guarded(async (options: { service?: string; api?: string; output?: string }) => {
        const query = new URLSearchParams();
        if (options.service) query.set('service', options.service);
        const suffix = options.service ? `?${query}` : '';
        const list = await apiClientOf(options).get<RecommendationList>(
          `/v1/recommendations${suffix}`,
        );
        process.stdout.write(`${renderRecommendations(options.output ?? 'table', list)}\n`);
      }),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'wide', 'json', 'yaml'])
        .default('table'),
    )
    .addCommand(recommendApplyCommand());
  return withApiOption(command);
}

/** `federa recommend apply ID [--wait]`: starts the migration the recommendation describes. */
function recommendApplyCommand(): Command {
  const command = new Command('apply')
    .description(
      'start the migration a recommendation describes; refused when the cluster changed since it was listed',
    )
    .argument('<id>', 'the recommendation (federa recommend lists them)')
    .action(
      guarded(async (id: string, options: { api?: string; output?: string } & WaitFlags) => {
        const timeoutMs = waitTimeoutOf(options);
        const api = apiClientOf(options);
        const migration = await api.post<MigrationSummary>(
          `/v1/recommendations/${encodeURIComponent(id)}/apply`,
          {},
        );
        await printMigration(api, migration, { ...options, timeoutMs });
      }),
    );
  return withOutputOption(
    withApiOption(
      withWaitOptions(
        command,
        'the migration ends, showing its phases (4: it failed or was rolled back)',
      ),
    ),
  );
}
