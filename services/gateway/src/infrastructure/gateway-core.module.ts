import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommandClient } from '@federa/messaging';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { BearerAuthGuard } from '../api/auth/bearer-auth.guard';
import { DATABASE_POOL, createDatabasePool } from './database/database-pool';
import { gatewayDataSourceOptions } from './database/gateway-data-source-options';
import { migrateGatewaySchema } from './database/gateway-schema';
import { ErrorResponseFilter } from '../api/errors/error-response.filter';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { HealthController } from '../api/health/health.controller';
import { ReadinessService } from './readiness.service';
import { loggerOptions } from './logger-options';
import { HttpMetrics } from '../api/metrics/http-metrics';
import { ApiToken } from './tokens/api-token.entity';
import { TokenRepository } from './tokens/token-repository';
import { MetricsController } from '../api/metrics/metrics.controller';
import {
  NATS_CONNECTION,
  commandClientProvider,
  natsConnectionProvider,
} from './nats-connection.provider';
import { ContractValidationPipe } from '../api/validation/contract-validation.pipe';
import { RequestBodyModule } from '../api/validation/request-body.module';

/**
 * What every gateway route stands on, global so that feature modules can inject it:
 * GATEWAY_CONFIG, DATABASE_POOL (raw pg, for the event log), NATS_CONNECTION, CommandClient,
 * TokenRepository, HttpMetrics, and TypeORM's DataSource (schema `gateway`, migrated before the
 * first request); and, for every route, bearer auth, contract validation of bodies and the error format.
 */
@Global()
@Module({})
export class GatewayCoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayCoreModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(config.logLevel ?? 'info')),
        RequestBodyModule,
        TypeOrmModule.forRootAsync({
          // No retries: like the pg pool, a gateway whose Postgres does not answer fails to start.
          useFactory: () => ({ ...gatewayDataSourceOptions(config.databaseUrl), retryAttempts: 0 }),
          // Migrated here, so that nothing can use the DataSource on an unmigrated schema.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options as DataSourceOptions).initialize();
            await migrateGatewaySchema(dataSource).catch(async (error: unknown) => {
              await dataSource.destroy();
              throw error;
            });
            return dataSource;
          },
        }),
        TypeOrmModule.forFeature([ApiToken]),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        {
          provide: DATABASE_POOL,
          inject: [PinoLogger],
          useFactory: (log: PinoLogger) => createDatabasePool(config.databaseUrl, log.logger),
        },
        natsConnectionProvider,
        commandClientProvider,
        TokenRepository,
        ReadinessService,
        HttpMetrics,
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_PIPE, useClass: ContractValidationPipe },
        { provide: APP_FILTER, useClass: ErrorResponseFilter },
      ],
      exports: [
        GATEWAY_CONFIG,
        DATABASE_POOL,
        NATS_CONNECTION,
        CommandClient,
        TokenRepository,
        HttpMetrics,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nats.drain().catch(() => this.nats.close());
    await this.pool.end();
  }
}
