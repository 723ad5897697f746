import { loadConfig, positiveInt, type FederaConfig } from '@federa/runtime';

/** Moves a drain runs off one host at a time when FEDERA_DRAIN_MAX_PARALLEL is unset. */
export const defaultDrainMaxParallel = 2;

/** Everything the migration process reads from its environment. */
export interface MigrationConfig {
  federa: FederaConfig;
  /** FEDERA_DRAIN_MAX_PARALLEL: migrations a drain runs off one host at a time; @default 2 */
  drainMaxParallel: number;
}

export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): MigrationConfig {
  return {
    federa: loadConfig(env),
    drainMaxParallel: positiveInt(env, 'FEDERA_DRAIN_MAX_PARALLEL', defaultDrainMaxParallel),
  };
}
