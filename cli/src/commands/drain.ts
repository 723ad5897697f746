import { Command } from 'commander';
import type { HostView } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput } from '../render-output';
import { hostColumns } from './get-hosts';

/** A host action of the API (`POST /v1/hosts/{id}/<action>`) as a CLI command printing the host after it. */
function hostActionCommand(name: 'drain' | 'cordon' | 'uncordon', description: string): Command {
  const command = new Command(name)
    .description(description)
    .argument('<host>', 'host id')
    .action(
      guarded(async (host: string, options: { api?: string; output?: string; reason?: string }) => {
        const body = options.reason ? { reason: options.reason } : undefined;
        const answer = await apiClientOf(options).post<HostView>(
          `/v1/hosts/${encodeURIComponent(host)}/${name}`,
          body,
        );
        process.stdout.write(`${renderOutput(outputOf(options), answer, [answer], hostColumns)}\n`);
      }),
    );
  if (name !== 'uncordon') command.option('--reason <text>', 'why, recorded in the event');
  return withOutputOption(withApiOption(command));
}

/** `federa drain HOST`: stop placements on the host and mark it draining, for migration to evacuate. */
export function drainCommand(): Command {
  return hostActionCommand(
    'drain',
    'start evacuating a host: no new placements, the host is marked draining (moving its ' +
      'instances away is the migration service, not built yet)',
  );
}

/** `federa cordon HOST`: no new placements on the host. */
export function cordonCommand(): Command {
  return hostActionCommand('cordon', 'stop new placements on a host');
}

/** `federa uncordon HOST`. */
export function uncordonCommand(): Command {
  return hostActionCommand('uncordon', 'allow new placements on a host again');
}

/** `federa retire HOST [--force]`: refused while instances remain unless forced. */
export function retireCommand(): Command {
  const command = new Command('retire')
    .description('retire a host for good; refused while instances remain unless --force')
    .argument('<host>', 'host id')
    .option('--force', 'retire although instances remain on it')
    .action(
      guarded(async (host: string, options: { api?: string; output?: string; force?: boolean }) => {
        const answer = await apiClientOf(options).delete<HostView>(
          `/v1/hosts/${encodeURIComponent(host)}${options.force ? '?force=true' : ''}`,
        );
        process.stdout.write(`${renderOutput(outputOf(options), answer, [answer], hostColumns)}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}
