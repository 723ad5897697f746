import { nonNegativeInt, positiveInt } from '@federa/runtime';

/** What statistics' usage part reads from the environment (docs/reference/configuration.md). */
export interface UsageConfig {
  /** FEDERA_STATISTICS_MINUTE_RETENTION_DAYS: days minute rows are kept; @default 14 */
  minuteRetentionDays: number;
  /** FEDERA_STATISTICS_HOURLY_RETENTION_DAYS: days hourly rollups are kept; @default 400 */
  hourlyRetentionDays: number;
  /** FEDERA_STATISTICS_DAILY_RETENTION_DAYS: days daily rollups are kept, 0 for ever; @default 0 */
  dailyRetentionDays: number;
  /** FEDERA_STATISTICS_USAGE_FLUSH_MS: how often counted heartbeats are written; @default 10000 */
  flushMs: number;
  /** FEDERA_STATISTICS_USAGE_ROLLUP_MS: how often rollups, hourly events and retention run; @default 60000 */
  rollupMs: number;
}

export function loadUsageConfig(env: NodeJS.ProcessEnv = process.env): UsageConfig {
  return {
    minuteRetentionDays: positiveInt(env, 'FEDERA_STATISTICS_MINUTE_RETENTION_DAYS', 14),
    hourlyRetentionDays: positiveInt(env, 'FEDERA_STATISTICS_HOURLY_RETENTION_DAYS', 400),
    dailyRetentionDays: nonNegativeInt(env, 'FEDERA_STATISTICS_DAILY_RETENTION_DAYS', 0),
    flushMs: positiveInt(env, 'FEDERA_STATISTICS_USAGE_FLUSH_MS', 10_000),
    rollupMs: positiveInt(env, 'FEDERA_STATISTICS_USAGE_ROLLUP_MS', 60_000),
  };
}
