import type { INestMicroservice } from '@nestjs/common';
import { loadMigrationConfig } from '../services/migration/src';
import { MigrationModule } from '../services/migration/src/migration.module';
import { listenOnCommands } from './command-service';

/** The migration service in this process, on the environment's database, NATS and prefix. */
export async function startMigrationService(env: NodeJS.ProcessEnv): Promise<INestMicroservice> {
  const config = loadMigrationConfig(env);
  return listenOnCommands(MigrationModule.forRoot(config), 'migration', {
    natsUrl: config.federa.natsUrl,
    subjectPrefix: config.federa.subjectPrefix,
  });
}
