import { ConfigurationError, nonNegativeInt, positiveInt } from '@federa/runtime';
import type { AdmissionLimits } from '../../domain/admission';

/** The budgets of reads and writes (docs/reference/configuration.md, docs/adr/load-shedding.md). */
export interface SheddingConfig {
  read: AdmissionLimits;
  write: AdmissionLimits;
  /** Seconds a refused client is told to wait (`Retry-After`). */
  retryAfterS: number;
}

/**
 * Defaults sized on the development machine (docs/BENCHMARKS.md, API): a list of 100 hosts takes a
 * few milliseconds of the gateway, inventory and Postgres together, so 16 reads at once already
 * keep every core busy; the adaptive limit serves fewer when answers slow down (a busier machine).
 * Writes wait on a log append and a projection, not on the cpu, so their latency says little about
 * load: they keep a fixed budget of their own, which no number of reads can take, and wait up to a
 * second for a slot (an operator's parallel changes are few and precious).
 */
export const sheddingDefaults: SheddingConfig = {
  read: {
    concurrency: 16,
    latencyTargetMs: 50,
    queueLength: 64,
    queueMs: 100,
    standingQueueMs: 10,
    intervalMs: 100,
  },
  write: {
    concurrency: 8,
    latencyTargetMs: 0,
    queueLength: 32,
    queueMs: 1000,
    standingQueueMs: 1000,
    intervalMs: 100,
  },
  retryAfterS: 1,
};

/** The FEDERA_API_* shedding variables, each falling back to its default; a bad value names its variable. */
export function loadSheddingConfig(env: NodeJS.ProcessEnv = process.env): SheddingConfig {
  const queueMs = positiveInt(env, 'FEDERA_API_QUEUE_MS', sheddingDefaults.read.queueMs);
  const standingQueueMs = positiveInt(
    env,
    'FEDERA_API_STANDING_QUEUE_MS',
    sheddingDefaults.read.standingQueueMs,
  );
  if (standingQueueMs > queueMs) {
    throw new ConfigurationError(
      `FEDERA_API_STANDING_QUEUE_MS (${standingQueueMs}) must not exceed FEDERA_API_QUEUE_MS (${queueMs})`,
    );
  }
  const latencyTargetMs = nonNegativeInt(
    env,
    'FEDERA_API_LATENCY_TARGET_MS',
    sheddingDefaults.read.latencyTargetMs,
  );
  const queueLength = nonNegativeInt(
    env,
    'FEDERA_API_QUEUE_LENGTH',
    sheddingDefaults.read.queueLength,
  );
  return {
    read: {
      ...sheddingDefaults.read,
      concurrency: nonNegativeInt(
        env,
        'FEDERA_API_READ_CONCURRENCY',
        sheddingDefaults.read.concurrency,
      ),
      latencyTargetMs,
      queueLength,
      queueMs,
      standingQueueMs,
    },
    write: {
      ...sheddingDefaults.write,
      concurrency: nonNegativeInt(
        env,
        'FEDERA_API_WRITE_CONCURRENCY',
        sheddingDefaults.write.concurrency,
      ),
      queueLength: Math.ceil(queueLength / 2),
      // Ten times a read's patience, standing queue or not.
      queueMs: queueMs * 10,
      standingQueueMs: queueMs * 10,
    },
    retryAfterS: sheddingDefaults.retryAfterS,
  };
}
