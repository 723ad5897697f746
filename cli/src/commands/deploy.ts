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

/** A `federa <verb> NAME` command that POSTs to `/v1/services/NAME/<verb>` and prints the service. */
export function serviceActionCommand(verb: 'deploy' | 'stop', description: string): Command {
  const command = new Command(verb)
    .description(description)
    .argument('<name>', 'the service')
    .action(
      guarded(async (name: string, options: { api?: string; output?: string }) => {
        const service = await apiClientOf(options).post<ServiceSummary>(
          `/v1/services/${encodeURIComponent(name)}/${verb}`,
        );
        process.stdout.write(
          `${renderOutput(outputOf(options), service, [service], serviceColumns)}\n`,
        );
      }),
    );
  return withOutputOption(withApiOption(command));
}

/** `federa deploy NAME`: start the service's applications in dependency order. */
export function deployCommand(): Command {
  return serviceActionCommand(
    'deploy',
    'start a service: applications in dependency order, each at replicas.min',
  );
}
