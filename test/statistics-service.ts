import type { INestMicroservice } from '@nestjs/common';
import { loadStatisticsConfig } from '../services/statistics/src';
import { StatisticsModule } from '../services/statistics/src/statistics.module';
import { listenOnCommands } from './command-service';

/** The statistics service in this process, on the environment's database, NATS and prefix. */
export async function startStatisticsService(env: NodeJS.ProcessEnv): Promise<INestMicroservice> {
  const config = loadStatisticsConfig(env);
  return listenOnCommands(StatisticsModule.forRoot(config), 'statistics', {
    natsUrl: config.federa.natsUrl,
    subjectPrefix: config.federa.subjectPrefix,
  });
}
