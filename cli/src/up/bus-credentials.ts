import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BusServices, busIdentity, formatBusIdentity, type BusIdentity } from '@federa/contracts';
import { CredentialsDir } from '../credentials/credentials-dir';

/** The bus identities of a `federa up` that runs its own NATS, and the server configuration admitting them. */
export interface UpBusCredentials {
  dir: CredentialsDir;
  /** The nats-server configuration file: includes the rendered authorization block. */
  serverConfig: string;
  /** FEDERA_NATS_CREDENTIALS of a service, or of the agent of a host. */
  seedOf(identity: BusIdentity): string;
}

/**
 * Credentials of every service and of `hosts`' agents in `<state>/credentials` (seeds kept from
 * run to run; a directory for another subject prefix is started again), and `<state>/nats.conf`
 * for the nats-server of `federa up`: only these identities get in, each with its permissions.
 */
export function prepareUpBusCredentials(
  state: string,
  subjectPrefix: string,
  hosts: string[],
  /** The nats-server's JetStream store. */
  storeDir: string,
): UpBusCredentials {
  const dir = new CredentialsDir(join(state, 'credentials'));
  if (dir.exists() && dir.subjects.prefix !== subjectPrefix) rmSync(dir.dir, { recursive: true });
  dir.init(subjectPrefix);
  const have = new Set(dir.issued().map((i) => formatBusIdentity(i.identity)));
  const wanted = [
    ...BusServices.map((name) => busIdentity('service', name)),
    ...hosts.map((host) => busIdentity('agent', host)),
  ];
  for (const identity of wanted)
    if (!have.has(formatBusIdentity(identity)) || !existsSync(dir.seedPath(identity)))
      dir.issue(identity);
  dir.render();
  const serverConfig = join(state, 'nats.conf');
  // JetStream is enabled here, not with `-js` on the command line: nats-server 2.9 shuts a
  // command-line JetStream down when it reloads its configuration (after an issue or a revoke).
  // An include is read relative to the including file.
  writeFileSync(
    serverConfig,
    [
      '# Written by federa up.',
      `jetstream: { store_dir: ${JSON.stringify(storeDir)} }`,
      'include "credentials/nats-auth.conf"',
      '',
    ].join('\n'),
  );
  return { dir, serverConfig, seedOf: (identity) => dir.seedPath(identity) };
}
