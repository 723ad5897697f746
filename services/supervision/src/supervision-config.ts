import { loadConfig, positiveInt, streamReplicasFromEnv, type FederaConfig } from '@federa/runtime';
import { defaultBackoff, type BackoffSettings } from './domain/restart-backoff';
import { defaultPartitionGraceMs } from './domain/partition-keep';
import { defaultUnhealthyGraceMs } from './domain/unhealthy-grace';

/** How supervision runs: the shared environment plus its own timings (tests shorten them). */
export interface SupervisionSettings extends FederaConfig {
  /** How often every service is reconciled. @default 250 (FEDERA_SUPERVISION_TICK_MS) */
  tickMs: number;
  /** Load averaging window of the autoscaler. @default 10000 (FEDERA_SCALING_WINDOW_MS) */
  scalingWindowMs: number;
  backoff: BackoffSettings;
  /** An instance unhealthy this long is stopped and replaced. @default 10000 (FEDERA_UNHEALTHY_GRACE_MS) */
  unhealthyGraceMs: number;
  /**
   * A stateless instance on a host declared down behind a partition (its lease renewed) is replaced
   * after this long; one with data never is. @default 10000 (FEDERA_PARTITION_GRACE_MS)
   */
  partitionGraceMs: number;
  /** A start or stop unanswered for this long is sent again (same command id). @default 5000 */
  resendMs: number;
  /** How long an agent command waits for the agent's acceptance. @default 3000 */
  agentTimeoutMs: number;
  /** FEDERA_STREAM_REPLICAS: copies of a host data bucket a backup delivery creates; @default 1 */
  dataBucketReplicas?: number;
}

export function loadSupervisionSettings(env: NodeJS.ProcessEnv = process.env): SupervisionSettings {
  return {
    ...loadConfig(env),
    tickMs: positiveInt(env, 'FEDERA_SUPERVISION_TICK_MS', 250),
    scalingWindowMs: positiveInt(env, 'FEDERA_SCALING_WINDOW_MS', 10_000),
    backoff: defaultBackoff,
    unhealthyGraceMs: positiveInt(env, 'FEDERA_UNHEALTHY_GRACE_MS', defaultUnhealthyGraceMs),
    partitionGraceMs: positiveInt(env, 'FEDERA_PARTITION_GRACE_MS', defaultPartitionGraceMs),
    resendMs: 5000,
    agentTimeoutMs: 3000,
    dataBucketReplicas: streamReplicasFromEnv(env),
  };
}
