import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentCommand } from './commands/agent';
import { eventsCommand } from './commands/events';
import { tokenCommand } from './commands/token';
import { upCommand } from './commands/up';
import { applyCommand } from './commands/apply';
import { copyCommand } from './commands/copy';
import { deleteCommand } from './commands/delete';
import { deployCommand } from './commands/deploy';
import { describeCommand } from './commands/describe';
import { getInstancesCommand } from './commands/get-instances';
import { getServicesCommand } from './commands/get-services';
import { getHostsCommand } from './commands/get-hosts';
import { cordonCommand, drainCommand, retireCommand, uncordonCommand } from './commands/drain';
import { stopCommand } from './commands/stop';
import { distRoot } from './dist-root';

/** Every `federa` subcommand, one file each under commands/: add new ones here. */
const commands: (() => Command)[] = [upCommand, tokenCommand, agentCommand, eventsCommand];
commands.push(
  applyCommand,
  deployCommand,
  stopCommand,
  copyCommand,
  deleteCommand,
  describeCommand,
);
commands.push(drainCommand, cordonCommand, uncordonCommand, retireCommand);
commands.push(() =>
  new Command('get')
    .description('list objects')
    .addCommand(getServicesCommand())
    .addCommand(getInstancesCommand())
    .addCommand(getHostsCommand()),
);

/** The `federa` command line. */
export function buildProgram(): Command {
  const program = new Command('federa')
    .description(
      'Federa: an event-sourced control plane for hosts, their runtimes and the services on them',
    )
    .version(packageVersion())
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)');
  for (const command of commands) program.addCommand(command());
  return program;
}

function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(distRoot, '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
}
