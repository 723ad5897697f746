import { Command } from 'commander';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderDocument } from '../render-output';

/** `federa delete service NAME`: remove a stopped service. */
export function deleteCommand(): Command {
  const remove = new Command('delete').description('delete an object');
  const service = new Command('service')
    .description('delete a stopped service')
    .argument('<name>', 'the service')
    .action(
      guarded(async (name: string, options: { api?: string; output?: string }) => {
        await apiClientOf(options).delete(`/v1/services/${encodeURIComponent(name)}`);
        process.stdout.write(
          `${renderDocument(outputOf(options), { name, deleted: true }) ?? `deleted service ${name}`}\n`,
        );
      }),
    );
  remove.addCommand(withOutputOption(withApiOption(service)));
  return remove;
}
