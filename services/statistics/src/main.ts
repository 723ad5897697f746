import 'reflect-metadata';
import { runMain, runService } from '@federa/runtime';
import { loadStatisticsConfig } from './statistics-config';
import { StatisticsModule } from './statistics.module';

/** Starts the statistics service: `node dist/services/statistics/src/main.js`. */
export function startStatistics(config = loadStatisticsConfig()) {
  return runService(StatisticsModule.forRoot(config), {
    name: 'statistics',
    config: config.federa,
  });
}

if (require.main === module) runMain(() => startStatistics());
