import { formatBusIdentity, type BusIdentity } from '@federa/contracts';

/**
 * Why a credentials file cannot be this agent's, or undefined when it can: an agent connects as
 * `agent:<its config's host>`, a simulator (`--simulate`) as any `simulator:*`. Another identity's
 * seed connects, but the server then refuses its registration subject, and the agent would only
 * retry without saying why. A file naming no identity (a NATS `.creds` file) cannot be checked here.
 */
export function credentialsIdentityProblem(
  identity: BusIdentity | undefined,
  host: string,
  simulate: boolean,
): string | undefined {
  if (identity === undefined) return undefined;
  if (simulate) {
    return identity.kind === 'simulator'
      ? undefined
      : `the seed is ${formatBusIdentity(identity)}'s, --simulate needs a simulator's (federa credentials issue simulator NAME)`;
  }
  if (identity.kind === 'agent' && identity.name === host) return undefined;
  return `the seed is ${formatBusIdentity(identity)}'s, the config's host is ${host} (federa credentials issue agent ${host})`;
}
