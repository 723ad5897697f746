import 'reflect-metadata';
import { runMain, runService } from '@federa/runtime';
import { loadMigrationConfig } from './migration-config';
import { MigrationModule } from './migration.module';

/** Starts the migration service: `node dist/services/migration/src/main.js`. */
export function startMigration(config = loadMigrationConfig()) {
  return runService(MigrationModule.forRoot(config), { name: 'migration', config: config.federa });
}

if (require.main === module) runMain(() => startMigration());
