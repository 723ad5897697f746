import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCodes,
  FederaError,
  type GetMigrationQuery,
  type ListMigrationsQuery,
  type CommandOrigin,
  type MigrateInstanceCommand,
} from '@federa/contracts';
import { LiveProjection } from '@federa/eventstore';
import { CommandContractPipe, Origin } from '@federa/messaging';
import type { MigrationView } from '../domain/migration-view';
import { MigrationReadModel, type MigrationPage } from '../infrastructure/migration-read-model';
import { MigrationStarter } from './migration-starter';

/** How long a command waits for the read model to show a write: well inside the gateway's timeout. */
const readYourWritesMs = 2000;

/** Migration commands over NATS (`cmd.migration.*`, libs/contracts `Commands`), for the gateway. */
@Controller()
export class MigrationController {
  constructor(
    @Inject(MigrationStarter) private readonly starter: MigrationStarter,
    private readonly migrations: MigrationReadModel,
    private readonly projection: LiveProjection,
  ) {}

  @MessagePattern('cmd.migration.migrate')
  migrate(
    @Payload(new CommandContractPipe('migrateInstance')) command: MigrateInstanceCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<MigrationView> {
    return this.starter.start(command, undefined, 'requested', undefined, { origin });
  }

  @MessagePattern('cmd.migration.list-migrations')
  async list(
    @Payload(new CommandContractPipe('listMigrations')) query: ListMigrationsQuery,
  ): Promise<MigrationPage> {
    await this.projection.current(readYourWritesMs).catch(() => undefined);
    return this.migrations.list(query);
  }

  @MessagePattern('cmd.migration.get-migration')
  async get(
    @Payload(new CommandContractPipe('getMigration')) query: GetMigrationQuery,
  ): Promise<MigrationView> {
    await this.projection.current(readYourWritesMs).catch(() => undefined);
    const view = await this.migrations.get(query.migration);
    if (!view) throw new FederaError(ErrorCodes.notFound, `no migration ${query.migration}`);
    return view;
  }
}
