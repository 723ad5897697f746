/**
 * Migration's public entry, for the CLI, benchmarks and other services' tests. It loads no Nest
 * module: the application is main.ts (tests that run migration in process import its module).
 */
export { loadMigrationConfig, type MigrationConfig } from './migration-config';
export type { MigrationView } from './domain/migration-view';
export { migrationPlan } from './domain/migration-plan';
