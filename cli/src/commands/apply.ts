import { Command } from 'commander';
import type { ServiceSummary } from '@federa/contracts';
import { apiClientOf, outputOf, withApiOption, withOutputOption } from '../command-options';
import { withExitCodes } from '../exit-code';
import { renderOutput } from '../render-output';
import { readSpecFile } from '../spec-file';
import { waitTimeoutOf, withWaitOptions, type WaitFlags } from '../wait-flags';
import { followService, progressStreamFor } from './follow-service';
import { serviceColumns } from './get-services';

/** `federa apply -f FILE`: create or update a service from its YAML or JSON spec. */
export function applyCommand(): Command {
  const apply = new Command('apply')
    .description(
      'create or update a service from a spec file (YAML or JSON); every error is listed',
    )
    .requiredOption('-f, --file <file>', 'the spec file')
    .action(
      withExitCodes(
        async (options: { file: string; api?: string; output?: string } & WaitFlags) => {
          const timeoutMs = waitTimeoutOf(options);
          const spec = readSpecFile(options.file);
          const name = spec.metadata.name;
          const api = apiClientOf(options);
          let service = await api.put<ServiceSummary>(
            `/v1/services/${encodeURIComponent(name)}`,
            spec,
          );
          const format = outputOf(options);
          if (options.wait) {
            const followed = await followService(
              api,
              'apply',
              service,
              timeoutMs,
              progressStreamFor(format),
            );
            service = followed.service;
            process.exitCode = followed.exitCode;
          }
          process.stdout.write(`${renderOutput(format, service, [service], serviceColumns)}\n`);
        },
      ),
    );
  return withOutputOption(
    withApiOption(
      withWaitOptions(
        apply,
        'the service is at rest: a deploy or stop under way has ended (apply rolls nothing out)',
      ),
    ),
  );
}
