import { Command } from 'commander';
import { endpointText, type InstanceSummary } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput, type Column } from '../render-output';
import { everyPage, instanceColumns } from './get-services';

/** `address:port`, an IPv6 address in brackets: the one form of @federa/contracts. */
export { endpointText };

/** What `-o wide` adds: where each instance answers (a VM's guest address too, when known). */
export const wideInstanceColumns: Column<InstanceSummary>[] = [
  { header: 'ENDPOINT', value: (i) => (i.endpoint ? endpointText(i.endpoint) : undefined) },
  { header: 'GUEST ADDRESS', value: (i) => i.endpoint?.guestAddress },
];

/**
 * `federa get instances [--service S] [--app A] [--host H] [-o wide]`: live instances and where they
 * run, fetched page by page; `-o wide` adds their endpoints.
 */
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
            `${renderOutput(outputOf(options), { items }, items, instanceColumns, wideInstanceColumns)}\n`,
          );
        },
      ),
    );
  return withOutputOption(withApiOption(command));
}
