import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { DEFAULT_LEASE_DIR, ValidationFailed, busIdentityInText } from '@federa/contracts';
// The file, not the @federa/runtime index: the index also loads Nest (~20 MB the agent never uses).
import { ConfigurationError, loadConfig } from '@federa/runtime/federa-config';
// The file, not the index, for the same reason.
import {
  LIFELINE_STOP_GIVE_UP_MS,
  watchParentLifeline,
} from '../../../libs/runtime/src/parent-lifeline';
import { Agent } from './agent';
import { loadHostConfig } from './config/load-host-config';
import { credentialsIdentityProblem } from './domain/credentials-identity';
import { SimFleet } from './sim/sim-fleet';
import { DataDirInUse } from './infrastructure/store/data-dir-lock';

/** Exit status of a wrong config, flag or environment: nothing was started. */
export const EXIT_BAD_CONFIG = 2;
const DEFAULT_DATA_DIR = '/var/lib/federa-agent';

/**
 * `federa agent --config host.yaml [--data-dir DIR] [--credentials FILE] [--simulate N [--simulate-leases]]`: runs the host agent (or N
 * simulated hosts) until SIGINT or SIGTERM, then answers 0; a wrong config answers 2 and names the
 * field on stderr. Instances are left running when the agent stops, to be adopted by its next run;
 * but an agent given a lifeline (FEDERA_LIFELINE_FD, as `federa up` starts the demo's) stops its
 * instances, then itself, when that lifeline ends: whatever started it is gone, with the plane.
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
      '--credentials <file>',
      "the agent's bus credentials: its nkey seed file (federa credentials issue agent HOST) or a NATS .creds file; default FEDERA_NATS_CREDENTIALS",
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
    credentials?: string;
  }>();
  if (flags.credentials !== undefined) {
    const file = resolve(flags.credentials);
    try {
      accessSync(file, constants.R_OK);
    } catch (error) {
      process.stderr.write(
        `federa-agent: --credentials: cannot read ${file} (${(error as Error).message})\n`,
      );
      return EXIT_BAD_CONFIG;
    }
    // Read where every NATS connection of this process is made (natsSecurityFromEnv).
    process.env.FEDERA_NATS_CREDENTIALS = file;
  }
  if (flags.simulateLeases && flags.simulate === undefined) {
    process.stderr.write('federa-agent: --simulate-leases: only meaningful with --simulate N\n');
    return EXIT_BAD_CONFIG;
  }
  let lifeline: Promise<void> | undefined;
  try {
    lifeline = watchParentLifeline();
  } catch (error) {
    process.stderr.write(`federa-agent: ${(error as Error).message}\n`);
    return EXIT_BAD_CONFIG;
  }
  // Gone while starting: nothing of this run is to be kept; the start is not waited for.
  let started = false;
  void lifeline?.then(() => {
    if (!started) process.exit(1);
  });
  let stop: () => Promise<void>;
  let stopWithInstances: () => Promise<void>;
  try {
    const env = loadConfig();
    const config = await loadHostConfig(flags.config);
    const credentialsProblem = checkCredentials(
      config.host,
      flags.simulate !== undefined,
      flags.credentials !== undefined ? '--credentials' : 'FEDERA_NATS_CREDENTIALS',
    );
    if (credentialsProblem !== undefined) {
      process.stderr.write(`federa-agent: ${credentialsProblem}\n`);
      return EXIT_BAD_CONFIG;
    }
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
      stopWithInstances = stop;
    } else {
      const dataDir = resolve(flags.dataDir ?? config.dataDir ?? DEFAULT_DATA_DIR);
      const agent = await Agent.start({ ...common, config, dataDir, leaseDir });
      stop = () => agent.stop();
      stopWithInstances = () => agent.stopWithInstances();
    }
    started = true;
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
  const ending = await new Promise<'signal' | 'lifeline'>((done) => {
    process.once('SIGINT', () => done('signal'));
    process.once('SIGTERM', () => done('signal'));
    void lifeline?.then(() => done('lifeline'));
  });
  if (ending === 'lifeline') {
    // The NATS it talks to may be stopping in the same instant (federa up is gone, and so is the
    // plane): a stop waiting on it must not keep this process alive past `federa up`.
    setTimeout(() => process.exit(1), LIFELINE_STOP_GIVE_UP_MS).unref();
    await stopWithInstances();
  } else {
    await stop();
  }
  return 0;
}

/**
 * What is wrong with the credentials file (`--credentials`, or FEDERA_NATS_CREDENTIALS) for this
 * agent, naming where it came from; undefined when it fits or there is none.
 */
function checkCredentials(host: string, simulate: boolean, source: string): string | undefined {
  const file = process.env.FEDERA_NATS_CREDENTIALS;
  if (!file) return undefined;
  let problem: string | undefined;
  try {
    problem = credentialsIdentityProblem(
      busIdentityInText(readFileSync(file, 'utf8')),
      host,
      simulate,
    );
  } catch (error) {
    problem = `cannot read ${file} (${(error as Error).message})`;
  }
  return problem === undefined ? undefined : `${source}: ${problem}`;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}
