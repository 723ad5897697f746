import type { HostConfig } from '@federa/contracts';
import { FederaError, ErrorCodes } from '@federa/contracts';
import type { SimFleet } from '../../../services/agent/src';
import { urlWithoutCredentials } from '../../../libs/runtime/src/url-without-credentials';
import type { RecordedHost } from './domain/replay-plan';
import { hostsNotRegisteredMessage, natsUnreachableMessage } from './domain/startup-timeout';

/** Where the simulated agents connect: the target's NATS, its subject prefix, their credentials. */
export interface AgentBus {
  natsUrl: string;
  subjectPrefix: string;
  heartbeatMs: number;
  /** A simulator's nkey seed or .creds file (federa credentials issue simulator NAME), for a closed bus. */
  credentials?: string;
}

export interface SimulatedAgentsOptions {
  /** When the fleet must have connected and registered every host (Date.now() time). */
  deadline: number;
  timeoutMs: number;
  /** Where the agents' warnings go (one line each), so that a progress line does not erase them. */
  log: (line: string) => void;
}

/**
 * Starts one simulated agent per recorded host, in this process, on the target's bus: each
 * registers under its recorded name with its recorded site, security level, layers (each run by
 * the sim layer's driver), costs and capacity. Bounded by `deadline`: NATS that does not accept the
 * connection, or hosts the target's inventory does not register (a wrong subject prefix, refused
 * credentials), end it with an `unavailable` error naming the URL and prefix, the fleet stopped.
 * The agent's code is loaded only here, so that other commands do not pay for it.
 */
export async function startSimulatedAgents(
  hosts: RecordedHost[],
  bus: AgentBus,
  options: SimulatedAgentsOptions,
): Promise<SimFleet> {
  // Read where every NATS connection of this process is made, as `federa agent --credentials` sets it.
  if (bus.credentials !== undefined) process.env.FEDERA_NATS_CREDENTIALS = bus.credentials;
  const named = { natsUrl: urlWithoutCredentials(bus.natsUrl), subjectPrefix: bus.subjectPrefix };
  await natsAccepts(bus.natsUrl, options, (lastError) =>
    natsUnreachableMessage(named, options.timeoutMs, lastError),
  );
  const { SimFleet } = await import('../../../services/agent/src');
  const { pino } = await import('pino');
  let lastWhy: string | undefined;
  const logger = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        const entry = parseLogLine(line);
        if (typeof entry?.why === 'string') lastWhy = entry.why;
        options.log(entry ? logLineText(entry) : line.trimEnd());
      },
    },
  );
  const template = { ...hosts[0].config, host: 'replay' } as HostConfig;
  const starting = SimFleet.start({
    config: template,
    count: 0,
    hosts: hosts.map(({ config, capacity }) => ({ config, capacity })),
    natsUrl: bus.natsUrl,
    subjectPrefix: bus.subjectPrefix,
    heartbeatMs: bus.heartbeatMs,
    logger,
    // Each offers its recorded layers (process, qemu, ...), simulated, so that placement finds
    // the fleet it found when recording.
    simulateConfiguredLayers: true,
  });
  const fleet = await beforeDeadline(starting, options.deadline);
  if (fleet === undefined) {
    // NATS went away between the check and the fleet's connection: stop the fleet if it ever comes.
    void starting.then((late) => late.stop()).catch(() => undefined);
    throw new FederaError(
      ErrorCodes.unavailable,
      natsUnreachableMessage(named, options.timeoutMs, undefined),
    );
  }
  // Until a host knows its epoch it refuses the starts placement sends it (fencing): a replay at
  // --max would deploy into hosts the target lists as ready but that would fail every instance.
  try {
    const done = await beforeDeadline(
      fleet.registered.then(() => true),
      options.deadline,
    );
    if (done === undefined) {
      const registered = [...fleet.hosts.values()].filter((h) => h.core.epoch !== undefined).length;
      throw new FederaError(
        ErrorCodes.unavailable,
        hostsNotRegisteredMessage(
          named,
          { registered, total: hosts.length },
          options.timeoutMs,
          lastWhy,
        ),
      );
    }
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}

/**
 * Waits until NATS accepts a trial connection, or the deadline passes (an `unavailable` error);
 * a server that refuses the credentials or certificate ends the wait at once. The fleet's own
 * connection would wait for NATS forever.
 */
async function natsAccepts(
  url: string,
  options: SimulatedAgentsOptions,
  message: (lastError: string | undefined) => string,
): Promise<void> {
  const { connect } = await import('nats');
  const { natsConnectionOptions, natsSecurityFromEnv } =
    await import('../../../libs/messaging/src/nats-connection');
  const { natsAuthRefusal } = await import('../../../libs/messaging/src/nats-auth-refusal');
  const { natsTlsRefusal } = await import('../../../libs/messaging/src/nats-tls-refusal');
  const security = natsSecurityFromEnv();
  const connection = natsConnectionOptions(url, 'federa-replay-probe', security);
  let lastError: string | undefined;
  for (;;) {
    try {
      const trial = await connect({
        ...connection,
        waitOnFirstConnect: false,
        reconnect: false,
        timeout: Math.max(500, Math.min(5_000, options.deadline - Date.now())),
      });
      await trial.close();
      return;
    } catch (error) {
      const refusal = natsTlsRefusal(error, url, security) ?? natsAuthRefusal(error, url, security);
      if (refusal) throw refusal;
      lastError = (error as { code?: string }).code ?? (error as Error).message;
    }
    if (Date.now() + 250 >= options.deadline)
      throw new FederaError(ErrorCodes.unavailable, message(lastError));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The promise's value, or undefined once the deadline passes first. */
async function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A simulated agent's warning as one readable line: its message, then its fields. */
function logLineText(entry: Record<string, unknown>): string {
  const { msg, level: _level, time: _time, pid: _pid, hostname: _hostname, ...fields } = entry;
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `simulated agent: ${String(msg)}${details ? ` (${details})` : ''}`;
}
