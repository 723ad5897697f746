import {
  busPermissions,
  formatBusIdentity,
  type BusIdentity,
  type Subjects,
} from '@federa/contracts';

/** An identity the bus knows: who, and the public half of its nkey pair. */
export interface IssuedIdentity {
  identity: BusIdentity;
  publicKey: string;
}

/**
 * The nats-server `authorization` block for `issued`: one nkey user per identity, with the
 * permissions `busPermissions` gives it. Written as JSON values, which nats-server's configuration
 * format accepts, so that every subject is quoted as it is. Pure.
 */
export function natsAuthorization(issued: IssuedIdentity[], subjects: Subjects): string {
  const users = issued.map(({ identity, publicKey }) => ({
    nkey: publicKey,
    permissions: busPermissions(identity, subjects),
  }));
  const names = issued.map(({ identity }) => `#   ${formatBusIdentity(identity)}`);
  return [
    '# Written by `federa credentials`: edit the identities with it, not here.',
    `# Subject prefix: ${subjects.prefix}. Identities:`,
    ...names,
    `authorization: ${JSON.stringify({ users }, null, 2)}`,
    '',
  ].join('\n');
}
