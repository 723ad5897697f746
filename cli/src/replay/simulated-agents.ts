import type { HostConfig } from '@federa/contracts';
import type { SimFleet } from '../../../services/agent/src';
import type { RecordedHost } from './domain/replay-plan';

/** Where the simulated agents connect: the target's NATS, its subject prefix, their credentials. */
export interface AgentBus {
  natsUrl: string;
  subjectPrefix: string;
  heartbeatMs: number;
  /** A simulator's nkey seed or .creds file (federa credentials issue simulator NAME), for a closed bus. */
  credentials?: string;
}

/**
 * Starts one simulated agent per recorded host, in this process, on the target's bus: each
 * registers under its recorded name with its recorded site, security level, layers (each run by
 * the sim layer's driver), costs and capacity.
 * The agent's code is loaded only here, so that other commands do not pay for it.
 */
export async function startSimulatedAgents(
  hosts: RecordedHost[],
  bus: AgentBus,
): Promise<SimFleet> {
  // Read where every NATS connection of this process is made, as `federa agent --credentials` sets it.
  if (bus.credentials !== undefined) process.env.FEDERA_NATS_CREDENTIALS = bus.credentials;
  const { SimFleet } = await import('../../../services/agent/src');
  const { pino } = await import('pino');
  const template = { ...hosts[0].config, host: 'replay' } as HostConfig;
  const fleet = await SimFleet.start({
    config: template,
    count: 0,
    hosts: hosts.map(({ config, capacity }) => ({ config, capacity })),
    natsUrl: bus.natsUrl,
    subjectPrefix: bus.subjectPrefix,
    heartbeatMs: bus.heartbeatMs,
    logger: pino({ level: 'warn' }, process.stderr),
    // Each offers its recorded layers (process, qemu, ...), simulated, so that placement finds
    // the fleet it found when recording.
    simulateConfiguredLayers: true,
  });
  // Until a host knows its epoch it refuses the starts placement sends it (fencing): a replay at
  // --max would deploy into hosts the target lists as ready but that would fail every instance.
  try {
    await fleet.registered;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}
