import { loadConfig, positiveInt, streamReplicasFromEnv, type FederaConfig } from '@federa/runtime';

/** Moves a drain runs off one host at a time when FEDERA_DRAIN_MAX_PARALLEL is unset. */
export const defaultDrainMaxParallel = 2;

/** Everything the migration process reads from its environment. */
export interface MigrationConfig {
  federa: FederaConfig;
  /** FEDERA_DRAIN_MAX_PARALLEL: migrations a drain runs off one host at a time; @default 2 */
  drainMaxParallel: number;
  /** FEDERA_STREAM_REPLICAS: copies of a target's data bucket it creates, in a NATS cluster; @default 1 */
  dataBucketReplicas?: number;
}

export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): MigrationConfig {
  return {
    federa: loadConfig(env),
    drainMaxParallel: positiveInt(env, 'FEDERA_DRAIN_MAX_PARALLEL', defaultDrainMaxParallel),
    dataBucketReplicas: streamReplicasFromEnv(env),
  };
}
