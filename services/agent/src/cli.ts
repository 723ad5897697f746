import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_LEASE_DIR, ValidationFailed } from '@federa/contracts';
// The file, not the @federa/runtime index: the index also loads Nest (~20 MB the agent never uses).
import { ConfigurationError, loadConfig } from '@federa/runtime/federa-config';
import { Agent } from './agent';
import { loadHostConfig } from './config/load-host-config';
import { SimFleet } from './sim/sim-fleet';
import { DataDirInUse } from './infrastructure/store/data-dir-lock';

/** Exit status of a wrong config, flag or environment: nothing was started. */
export const EXIT_BAD_CONFIG = 2;
const DEFAULT_DATA_DIR = '/var/lib/federa-agent';

/**
 * `federa agent --config host.yaml [--data-dir DIR] [--simulate N [--simulate-leases]]`: runs the host agent (or N
 * simulated hosts) until SIGINT or SIGTERM, then answers 0; a wrong config answers 2 and names the
 * field on stderr. Instances are left running when the agent stops.
 */
export async function runAgentCli(argv: string[]): Promise<number> {
  const program = new Command('federa-agent')
    .description('Federa host agent: registers the host, heartbeats, runs and watches instances')
    .requiredOption(
      '-c, --config <file>',
      'host config (YAML): host, site, securityLevel, layers, capacity, costs, features',
    )
    .option(
      '--data-dir <dir>',
      `instance table, instance data and logs (default: config dataDir or ${DEFAULT_DATA_DIR})`,
    )
    .option(
      '--simulate <n>',
      'stand in for N simulated hosts (<host>-0001, ...) with the sim layer',
      positiveInteger,
    )
    .option(
      '--simulate-leases',
      "with --simulate: renew every simulated host's lease file too (one file write per host per heartbeat)",
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: argv === process.argv ? 'node' : 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_CONFIG;
    throw error;
  }
  const flags = program.opts<{
    config: string;
    dataDir?: string;
    simulate?: number;
    simulateLeases?: boolean;
  }>();
  if (flags.simulateLeases && flags.simulate === undefined) {
    process.stderr.write('federa-agent: --simulate-leases: only meaningful with --simulate N\n');
    return EXIT_BAD_CONFIG;
  }
  let stop: () => Promise<void>;
  try {
    const env = loadConfig();
    const config = await loadHostConfig(flags.config);
    const leaseDir = resolve(process.env.FEDERA_LEASE_DIR || DEFAULT_LEASE_DIR);
    const common = {
      natsUrl: env.natsUrl,
      subjectPrefix: env.subjectPrefix,
      heartbeatMs: env.heartbeatMs,
    };
    if (flags.simulate !== undefined) {
      const fleet = await SimFleet.start({
        ...common,
        config,
        count: flags.simulate,
        ...(flags.simulateLeases ? { leaseDir } : {}),
      });
      stop = () => fleet.stop();
    } else {
      const dataDir = resolve(flags.dataDir ?? config.dataDir ?? DEFAULT_DATA_DIR);
      const agent = await Agent.start({ ...common, config, dataDir, leaseDir });
      stop = () => agent.stop();
    }
  } catch (error) {
    if (error instanceof ValidationFailed || error instanceof ConfigurationError) {
      process.stderr.write(`federa-agent: ${(error as Error).message}\n`);
      return EXIT_BAD_CONFIG;
    }
    if (error instanceof DataDirInUse) {
      process.stderr.write(`federa-agent: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await stop();
  return 0;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}
