import { Command } from 'commander';
import type { ServiceSummary } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput } from '../render-output';
import { serviceColumns } from './get-services';

/** `federa copy NAME --as NEW`: a new service with the same applications and rules, placed afresh. */
export function copyCommand(): Command {
  const command = new Command('copy')
    .description('copy a service under a new name (same applications and rules)')
    .argument('<name>', 'the service to copy')
    .requiredOption('--as <new-name>', 'the name of the copy')
    .action(
      guarded(async (name: string, options: { as: string; api?: string; output?: string }) => {
        const copy = await apiClientOf(options).post<ServiceSummary>(
          `/v1/services/${encodeURIComponent(name)}/copy`,
          { as: options.as },
        );
        process.stdout.write(`${renderOutput(outputOf(options), copy, [copy], serviceColumns)}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}
