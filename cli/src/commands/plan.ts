import { Command } from 'commander';
import type { PlacementPlan } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderDocument, renderTable } from '../render-output';
import { readSpecFile } from '../spec-file';
import { explanationLines, formatCostPerHour } from './placement-explanation';

/** `federa plan -f FILE [--explain]`: where a spec's instances would go now; changes nothing. */
export function planCommand(): Command {
  const plan = new Command('plan')
    .description(
      "where a service spec's instances would be placed now (each application at replicas.min, " +
        "in start order) on the cluster as it is, as if the service's own instances were gone, " +
        'with the cost per hour; a dry run that changes nothing. Exits 1 when not every instance fits',
    )
    .requiredOption('-f, --file <file>', 'the spec file (YAML or JSON)')
    .option('--explain', 'also show, per instance, the hosts rejected and the candidates scored')
    .action(
      guarded(
        async (options: { file: string; explain?: boolean; api?: string; output?: string }) => {
          const spec = readSpecFile(options.file);
          const answer = await apiClientOf(options).post<PlacementPlan>(
            '/v1/placements/plan',
            spec,
          );
          const document = renderDocument(outputOf(options), answer);
          if (document !== undefined) {
            process.stdout.write(`${document}\n`);
            return;
          }
          const lines = [
            `Service ${answer.service}: ${answer.feasible ? 'every instance fits' : 'NOT every instance fits'}, ` +
              `${formatCostPerHour(answer.costPerHour)} in all`,
            '',
            renderTable(answer.instances, [
              { header: 'APP', value: (i) => i.app },
              { header: 'INSTANCE', value: (i) => i.instance },
              { header: 'HOST', value: (i) => i.host ?? '(none)' },
              { header: 'SCORE', value: (i) => i.scores?.total },
              { header: 'COST/H', value: (i) => formatCostPerHour(i.costPerHour) },
              { header: 'WHY', value: (i) => (i.outcome === 'failed' ? i.message : '') },
            ]),
          ];
          if (options.explain) {
            for (const instance of answer.instances) {
              lines.push('', `${instance.instance} (${instance.app}):`);
              lines.push(...explanationLines(instance).map((line) => `  ${line}`));
            }
          }
          process.stdout.write(`${lines.join('\n')}\n`);
          if (!answer.feasible) process.exitCode = 1;
        },
      ),
    );
  return withOutputOption(withApiOption(plan));
}
