import { Command } from 'commander';
import type { InstanceSummary } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput } from '../render-output';
import { everyPage, instanceColumns } from './get-services';

/** `federa get instances [--service S] [--app A] [--host H]`: live instances and where they run, fetched page by page. */
export function getInstancesCommand(): Command {
  const command = new Command('instances')
    .description('list instances (live ones unless --state is given)')
    .option('--service <name>', 'only this service')
    .option('--app <name>', 'only this application')
    .option('--host <id>', 'only this host')
    .option('--state <state>', 'only instances in this state')
    .action(
      guarded(
        async (options: {
          service?: string;
          app?: string;
          host?: string;
          state?: string;
          api?: string;
          output?: string;
        }) => {
          const query = new URLSearchParams();
          for (const key of ['service', 'app', 'host', 'state'] as const)
            if (options[key]) query.set(key, options[key] as string);
          const items = await everyPage<InstanceSummary>(
            apiClientOf(options),
            '/v1/instances',
            query,
          );
          process.stdout.write(
            `${renderOutput(outputOf(options), { items }, items, instanceColumns)}\n`,
          );
        },
      ),
    );
  return withOutputOption(withApiOption(command));
}
