/** Where the simulated agents were told to connect, as an error may name it. */
export interface BusNamed {
  /** The NATS URL, credentials already masked. */
  natsUrl: string;
  subjectPrefix: string;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** NATS never accepted the simulated agents' connection before --timeout passed. */
export function natsUnreachableMessage(
  bus: BusNamed,
  timeoutMs: number,
  lastError: string | undefined,
): string {
  return (
    `NATS at ${bus.natsUrl} did not accept the simulated hosts' connection within ${seconds(timeoutMs)}` +
    `${lastError ? ` (${lastError})` : ''}: is --nats the target's NATS, and is it up?`
  );
}

/**
 * Some simulated hosts have no epoch from the target's inventory when --timeout passed: most often
 * a subject prefix that is not the target's (nobody answers the registration), else credentials the
 * bus refuses, or an inventory that refuses the hosts.
 */
export function hostsNotRegisteredMessage(
  bus: BusNamed,
  counts: { registered: number; total: number },
  timeoutMs: number,
  lastWhy: string | undefined,
): string {
  const missing = counts.total - counts.registered;
  return (
    `${missing} of ${counts.total} simulated hosts not registered within ${seconds(timeoutMs)} ` +
    `on NATS ${bus.natsUrl} under subject prefix ${bus.subjectPrefix}` +
    `${lastWhy ? ` (last answer: ${lastWhy})` : ''}: is --subject-prefix the target's?`
  );
}
