import { Command } from 'commander';
import {
  BusIdentityKinds,
  BusServices,
  Subjects,
  busIdentity,
  busIdentityNameProblem,
  formatBusIdentity,
  isBusIdentityKind,
  type BusIdentity,
} from '@federa/contracts';
import type { CredentialsDir } from '../credentials/credentials-dir';
import { UsageError, withExitCodes } from '../exit-code';

/**
 * `federa credentials init|issue|revoke|render`: the bus identities (nkey users) of the control
 * plane, its agents, simulators and readers, and the nats-server `authorization` block that gives
 * each its permissions (docs/security/bus.md).
 */
export function credentialsCommand(): Command {
  const credentials = new Command('credentials').description(
    'issue and revoke the NATS identities of services, agents, simulators and readers',
  );

  credentials.addCommand(
    new Command('init')
      .description(
        'create a credentials directory: a seed per service, one per listed host, and nats-auth.conf',
      )
      .requiredOption('--dir <dir>', 'the credentials directory')
      .option('--hosts <hosts>', 'comma-separated host ids to issue agent credentials for')
      .option(
        '--subject-prefix <prefix>',
        'the bus subject prefix (FEDERA_SUBJECT_PREFIX)',
        'federa',
      )
      .action(
        withExitCodes(async (options: { dir: string; hosts?: string; subjectPrefix: string }) => {
          try {
            new Subjects(options.subjectPrefix);
          } catch (error) {
            throw new UsageError('--subject-prefix', (error as Error).message);
          }
          const hosts = (options.hosts ?? '')
            .split(',')
            .map((h) => h.trim())
            .filter((h) => h !== '');
          for (const host of hosts) {
            const problem = busIdentityNameProblem('agent', host);
            if (problem) throw new UsageError('--hosts', `${JSON.stringify(host)} ${problem}`);
          }
          const dir = await credentialsDir(options.dir);
          if (dir.exists()) {
            const existing = dir.subjects.prefix;
            if (existing !== options.subjectPrefix)
              throw new UsageError(
                '--subject-prefix',
                `${options.dir} is for prefix ${JSON.stringify(existing)}`,
              );
          }
          dir.init(options.subjectPrefix);
          const have = new Set(dir.issued().map((i) => formatBusIdentity(i.identity)));
          const wanted: BusIdentity[] = [
            ...BusServices.map((name) => ({ kind: 'service' as const, name })),
            ...hosts.map((name) => ({ kind: 'agent' as const, name })),
          ];
          for (const identity of wanted)
            if (!have.has(formatBusIdentity(identity))) print(dir.issue(identity));
          print(dir.render());
        }),
      ),
  );

  credentials.addCommand(
    new Command('issue')
      .description('create (or replace) the nkey seed of one identity and render nats-auth.conf')
      .argument('<kind>', `one of ${BusIdentityKinds.join(', ')}`)
      .argument('<name>', 'a service, a host id, or a simulator or reader name')
      .requiredOption('--dir <dir>', 'the credentials directory')
      .action(
        withExitCodes(async (kind: string, name: string, options: { dir: string }) => {
          const dir = await existingDir(options.dir);
          print(dir.issue(identityOf(kind, name)));
          print(dir.render());
        }),
      ),
  );

  credentials.addCommand(
    new Command('revoke')
      .description(
        'remove an identity and render nats-auth.conf (then reload nats-server: it closes its connections)',
      )
      .argument('<kind>', `one of ${BusIdentityKinds.join(', ')}`)
      .argument('<name>', 'the identity name')
      .requiredOption('--dir <dir>', 'the credentials directory')
      .action(
        withExitCodes(async (kind: string, name: string, options: { dir: string }) => {
          const dir = await existingDir(options.dir);
          const identity = identityOf(kind, name);
          if (!dir.revoke(identity))
            throw new UsageError(
              '<name>',
              `${formatBusIdentity(identity)} has no credentials in ${options.dir}`,
            );
          print(dir.authConfigPath);
          process.stderr.write(
            'Reload nats-server (nats-server --signal reload) to close its connections now.\n',
          );
        }),
      ),
  );

  credentials.addCommand(
    new Command('render')
      .description("write nats-auth.conf again from the directory's identities")
      .requiredOption('--dir <dir>', 'the credentials directory')
      .action(
        withExitCodes(async (options: { dir: string }) =>
          print((await existingDir(options.dir)).render()),
        ),
      ),
  );

  return credentials;
}

function identityOf(kind: string, name: string): BusIdentity {
  if (!isBusIdentityKind(kind))
    throw new UsageError(
      '<kind>',
      `must be one of ${BusIdentityKinds.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  const problem = busIdentityNameProblem(kind, name);
  if (problem) throw new UsageError('<name>', `${problem}, got ${JSON.stringify(name)}`);
  return busIdentity(kind, name);
}

/** Loaded when a command runs: it brings the nkeys of the NATS client, which `federa --help` need not load. */
async function credentialsDir(path: string): Promise<CredentialsDir> {
  const { CredentialsDir } = await import('../credentials/credentials-dir');
  return new CredentialsDir(path);
}

async function existingDir(path: string): Promise<CredentialsDir> {
  const dir = await credentialsDir(path);
  if (!dir.exists())
    throw new UsageError(
      '--dir',
      `${path} holds no identities.json (federa credentials init --dir ${path})`,
    );
  return dir;
}

function print(path: string): void {
  process.stdout.write(`${path}\n`);
}
