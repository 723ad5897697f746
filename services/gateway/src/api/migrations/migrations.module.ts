import { Module } from '@nestjs/common';
import { MigrationsController } from './migrations.controller';

/** `/v1/instances/{id}/migrate` and `/v1/migrations`, served by asking the migration service. */
@Module({ controllers: [MigrationsController] })
export class MigrationsModule {}
