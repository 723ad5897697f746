/**
 * Statistics' public entry, for the CLI, benchmarks and other services' tests. It loads no Nest
 * module: the application is main.ts (tests that run statistics in process import its module).
 */
export { loadStatisticsConfig, type StatisticsConfig } from './statistics-config';
