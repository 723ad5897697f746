import { loadConfig, type FederaConfig } from '@federa/runtime';

/** Everything the migration process reads from its environment: the shared FEDERA_* settings. */
export interface MigrationConfig {
  federa: FederaConfig;
}

export function loadMigrationConfig(env: NodeJS.ProcessEnv = process.env): MigrationConfig {
  return { federa: loadConfig(env) };
}
