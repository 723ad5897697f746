import { Command } from 'commander';
import type { ServiceSummary } from '@federa/contracts';
import { apiClientOf, outputOf, withApiOption, withOutputOption } from '../command-options';
import { withExitCodes } from '../exit-code';
import { renderOutput } from '../render-output';
import { waitTimeoutOf, withWaitOptions, type WaitFlags } from '../wait-flags';
import { followService, progressStreamFor } from './follow-service';
import { serviceColumns } from './get-services';

/** What `--wait` follows after each action. */
const waitsFor = {
  deploy: 'the service is available (or failed), showing each application healthy/desired',
  stop: 'the service is stopped (or failed)',
};

/**
 * A `federa <verb> NAME` command that POSTs to `/v1/services/NAME/<verb>` and prints the service;
 * with `--wait`, once it is available (deploy) or stopped (stop).
 */
export function serviceActionCommand(verb: 'deploy' | 'stop', description: string): Command {
  const command = new Command(verb)
    .description(description)
    .argument('<name>', 'the service')
    .action(
      withExitCodes(
        async (name: string, options: { api?: string; output?: string } & WaitFlags) => {
          const timeoutMs = waitTimeoutOf(options);
          const api = apiClientOf(options);
          let service = await api.post<ServiceSummary>(
            `/v1/services/${encodeURIComponent(name)}/${verb}`,
          );
          const format = outputOf(options);
          if (options.wait) {
            const followed = await followService(
              api,
              verb,
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
  return withOutputOption(withApiOption(withWaitOptions(command, waitsFor[verb])));
}

/** `federa deploy NAME`: start the service's applications in dependency order. */
export function deployCommand(): Command {
  return serviceActionCommand(
    'deploy',
    'start a service: applications in dependency order, each at replicas.min',
  );
}
