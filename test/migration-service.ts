import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandExceptionFilter, CommandTransport } from '@federa/messaging';
import { loadMigrationConfig } from '../services/migration/src';
import { MigrationModule } from '../services/migration/src/migration.module';

/** The migration service in this process, on the environment's database, NATS and prefix. */
export async function startMigrationService(env: NodeJS.ProcessEnv): Promise<INestMicroservice> {
  const config = loadMigrationConfig(env);
  const migration = await NestFactory.createMicroservice(MigrationModule.forRoot(config) as never, {
    strategy: new CommandTransport({
      natsUrl: config.federa.natsUrl,
      subjectPrefix: config.federa.subjectPrefix,
      service: 'migration',
    }),
    logger: ['error'],
  });
  migration.useGlobalFilters(new CommandExceptionFilter());
  await migration.listen();
  return migration;
}
