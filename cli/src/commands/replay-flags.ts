import { resolve } from 'node:path';
import { configDefaults } from '@federa/runtime/federa-config';
import { durationFlag } from '../duration-flag';
import { UsageError } from '../exit-code';
import type { Pacing } from '../replay/domain/pacing';
import type { AgentBus } from '../replay/simulated-agents';

/** `federa replay`'s flags as commander reads them. */
export interface ReplayFlags {
  rate?: string;
  max?: boolean;
  speed?: string;
  timeout: string;
  nats?: string;
  subjectPrefix?: string;
  credentials?: string;
  heartbeatMs?: string;
  force?: boolean;
  output: 'table' | 'json';
}

/** The pacing of --rate N, --max or --speed X (one at most; default: the recorded pacing). */
export function pacingOf(flags: Pick<ReplayFlags, 'rate' | 'max' | 'speed'>): Pacing {
  const given = (['rate', 'max', 'speed'] as const).filter((flag) => flags[flag] !== undefined);
  if (given.length > 1)
    throw new UsageError(`--${given[1]}`, `cannot be given with --${given[0]}: choose one pacing`);
  if (flags.max) return { kind: 'max' };
  if (flags.rate !== undefined)
    return { kind: 'rate', perSecond: positive('--rate', flags.rate, 'steps per second') };
  if (flags.speed !== undefined)
    return { kind: 'speed', factor: positive('--speed', flags.speed, 'times the recorded pace') };
  return { kind: 'speed', factor: 1 };
}

/**
 * Where the simulated agents connect: --nats, --subject-prefix, --credentials and --heartbeat-ms,
 * else FEDERA_NATS_URL, FEDERA_SUBJECT_PREFIX, FEDERA_NATS_CREDENTIALS and FEDERA_HEARTBEAT_MS, as
 * `federa agent` reads them, else the same defaults.
 */
export function agentBusOf(flags: ReplayFlags, env: NodeJS.ProcessEnv = process.env): AgentBus {
  const prefix = flags.subjectPrefix ?? (env.FEDERA_SUBJECT_PREFIX || configDefaults.subjectPrefix);
  if (!/^[a-zA-Z0-9_-]+$/.test(prefix))
    throw new UsageError(
      flags.subjectPrefix !== undefined ? '--subject-prefix' : 'FEDERA_SUBJECT_PREFIX',
      `must be letters, digits, _ and - (one NATS subject token), got "${prefix}"`,
    );
  const heartbeat = flags.heartbeatMs ?? env.FEDERA_HEARTBEAT_MS;
  const credentials = flags.credentials ?? (env.FEDERA_NATS_CREDENTIALS || undefined);
  return {
    natsUrl: flags.nats ?? (env.FEDERA_NATS_URL || configDefaults.natsUrl),
    subjectPrefix: prefix,
    heartbeatMs:
      heartbeat === undefined || heartbeat === ''
        ? configDefaults.heartbeatMs
        : Math.round(
            positive(
              flags.heartbeatMs !== undefined ? '--heartbeat-ms' : 'FEDERA_HEARTBEAT_MS',
              heartbeat,
              'milliseconds',
            ),
          ),
    ...(credentials !== undefined ? { credentials: resolve(credentials) } : {}),
  };
}

/** --timeout: how long the target may take to come to rest once every step is driven. */
export function settleTimeoutOf(flags: Pick<ReplayFlags, 'timeout'>): number {
  return durationFlag('--timeout', flags.timeout, { minMs: 1_000 });
}

function positive(flag: string, text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(flag, `must be a positive number (${what}), got "${text}"`);
  return value;
}
