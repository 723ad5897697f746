import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { agentCommand } from './commands/agent';
import { eventsCommand } from './commands/events';
import { replayCommand } from './commands/replay';
import { tokenCommand } from './commands/token';
import { credentialsCommand } from './commands/credentials';
import { upCommand } from './commands/up';
import { applyCommand } from './commands/apply';
import { copyCommand } from './commands/copy';
import { deleteCommand } from './commands/delete';
import { deployCommand } from './commands/deploy';
import { describeCommand } from './commands/describe';
import { planCommand } from './commands/plan';
import { getInstancesCommand } from './commands/get-instances';
import { getServicesCommand } from './commands/get-services';
import { getHostsCommand } from './commands/get-hosts';
import {
  cordonCommand,
  drainCommand,
  replaceCommand,
  retireCommand,
  uncordonCommand,
} from './commands/drain';
import { stopCommand } from './commands/stop';
import { migrateCommand } from './commands/migrate';
import { getMigrationsCommand } from './commands/get-migrations';
import { forecastCommand } from './commands/forecast';
import { costsCommand } from './commands/costs';
import { recommendCommand } from './commands/recommend';
import { usageCommand } from './commands/usage';
import { configCommand } from './commands/config';
import { completionCommand } from './commands/completion';
import { usageExitsTwoEverywhere } from './exit-code';

function getCommand(): Command {
  return new Command('get')
    .description('list objects: services, instances, hosts or migrations')
    .addCommand(getServicesCommand())
    .addCommand(getInstancesCommand())
    .addCommand(getHostsCommand())
    .addCommand(getMigrationsCommand());
}

/**
 * Every `federa` subcommand (one file each under commands/), in the order `federa --help` lists
 * them, each with the one line it shows there: add new ones here.
 */
const commands: [() => Command, string][] = [
  [upCommand, 'run a local Federa and its demo until Ctrl-C'],
  [applyCommand, 'create or update a service from a spec file'],
  [deployCommand, 'start a service in dependency order'],
  [stopCommand, 'stop a service in reverse dependency order'],
  [copyCommand, 'copy a service under a new name'],
  [deleteCommand, 'delete a stopped service (delete service NAME)'],
  [getCommand, 'list services, instances, hosts, migrations'],
  [describeCommand, 'show a service, instance, migration or host'],
  [planCommand, 'where a spec would be placed now, and why (dry run)'],
  [eventsCommand, 'print the event log; --follow streams it live'],
  [replayCommand, 'replay a recorded log as load, then compare'],
  [migrateCommand, 'move an instance to another host'],
  [drainCommand, 'evacuate a host: every instance moves away'],
  [replaceCommand, 'move everything to a new host, retire the old'],
  [cordonCommand, 'stop new placements on a host'],
  [uncordonCommand, 'allow new placements on a host again; ends a drain'],
  [retireCommand, 'retire a host for good'],
  [usageCommand, 'usage per instance and host over a window'],
  [costsCommand, 'cost per service, application, host or site'],
  [recommendCommand, 'cheaper placements that keep every rule; apply one'],
  [forecastCommand, 'forecast demand and when capacity runs out'],
  [tokenCommand, 'create, list or revoke API tokens (admin)'],
  [credentialsCommand, 'issue and revoke the NATS credentials of the bus'],
  [agentCommand, 'run a host agent (see federa agent --help)'],
  [configCommand, 'named contexts: an API URL and token each'],
  [() => completionCommand(buildProgram), 'completion script for bash, zsh or fish'],
];

const gettingStarted = `
Getting started:
  npx federa up                      a local Federa and a demo shop (Ctrl-C stops)
  npx federa describe service shop   then, in another terminal, look around
  npx federa <command> --help        a command's options

Commands that call the API find it at http://127.0.0.1:8080 and the token in
./.federa/token (else --api / --token, FEDERA_API_URL / FEDERA_API_TOKEN, or a
context: federa config set-context); -o json|yaml prints the answer for scripts.`;

/** The `federa` command line. */
export function buildProgram(): Command {
  const program = new Command('federa')
    .description(
      'Federa: an event-sourced control plane for hosts, their runtimes and the services on them',
    )
    .version(packageVersion())
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', gettingStarted);
  for (const [command, summary] of commands) program.addCommand(command().summary(summary));
  return usageExitsTwoEverywhere(program);
}

/** The version in the nearest package.json above this file (dist/cli/src or cli/src alike). */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}
