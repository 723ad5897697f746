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
import { readSpecFile } from '../spec-file';
import { serviceColumns } from './get-services';

/** `federa apply -f FILE`: create or update a service from its YAML or JSON spec. */
export function applyCommand(): Command {
  const apply = new Command('apply')
    .description(
      'create or update a service from a spec file (YAML or JSON); every error is listed',
    )
    .requiredOption('-f, --file <file>', 'the spec file')
    .action(
      guarded(async (options: { file: string; api?: string; output?: string }) => {
        const spec = readSpecFile(options.file);
        const name = spec.metadata.name;
        const service = await apiClientOf(options).put<ServiceSummary>(
          `/v1/services/${encodeURIComponent(name)}`,
          spec,
        );
        const format = outputOf(options);
        process.stdout.write(`${renderOutput(format, service, [service], serviceColumns)}\n`);
      }),
    );
  return withOutputOption(withApiOption(apply));
}
