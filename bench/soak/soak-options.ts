/** What `npm run soak -- ...` was asked to do. */
export interface SoakOptions {
  /** Minutes of churn (setup and the final checks come on top). */
  minutes: number;
  /** Simulated hosts, in one `federa agent --simulate` process. */
  hosts: number;
  /** Services applied and deployed before the churn. */
  services: number;
  /** Real agents (process layer), each a process with its own host config and data directory. */
  agents: number;
  /** Milliseconds between two churn actions of one churn worker. */
  intervalMs: number;
  /** Churn workers acting at once (each on a target no other worker holds). */
  workers: number;
  /** Keep the database and the work directory at the end (for a post-mortem). */
  keep: boolean;
}

export const defaultSoakOptions: SoakOptions = {
  minutes: 30,
  hosts: 1000,
  services: 200,
  agents: 4,
  intervalMs: 2000,
  workers: 2,
  keep: false,
};

const numeric: Record<string, keyof SoakOptions> = {
  '--minutes': 'minutes',
  '--hosts': 'hosts',
  '--services': 'services',
  '--agents': 'agents',
  '--interval-ms': 'intervalMs',
  '--workers': 'workers',
};

/** Lower bounds of each number: a soak needs at least one of everything it churns. */
const least: Partial<Record<keyof SoakOptions, number>> = {
  minutes: 0.5,
  hosts: 4,
  services: 2,
  agents: 1,
  intervalMs: 100,
  workers: 1,
};

/**
 * Reads `--minutes N --hosts N --services N --agents N --interval-ms N --workers N --keep` (also
 * `--flag=N`); anything else, or a number out of range, throws naming the flag.
 */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const options = { ...defaultSoakOptions };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--keep') {
      options.keep = true;
      continue;
    }
    const key = numeric[flag];
    if (!key)
      throw new Error(
        `unknown flag ${argv[i]} (known: ${Object.keys(numeric).join(', ')}, --keep)`,
      );
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    const min = least[key] ?? 0;
    const whole = key !== 'minutes';
    if (
      raw === undefined ||
      !Number.isFinite(value) ||
      value < min ||
      (whole && !Number.isInteger(value))
    )
      throw new Error(
        `${flag}: must be ${whole ? 'a whole number' : 'a number'} of at least ${min}, got ${raw ?? 'nothing'}`,
      );
    (options[key] as number) = value;
  }
  return options;
}
