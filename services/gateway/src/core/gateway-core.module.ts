import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CommandClient } from '@federa/messaging';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { TokenRepository } from '../auth/token-repository';
import { DATABASE_POOL, createDatabasePool } from '../database/database-pool';
import { migrateGatewaySchema } from '../database/gateway-schema';
import { ErrorResponseFilter } from '../errors/error-response.filter';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { HealthController } from '../health/health.controller';
import { ReadinessService } from '../health/readiness.service';
import { loggerOptions } from '../logging/logger-options';
import { HttpMetrics } from '../metrics/http-metrics';
import { MetricsController } from '../metrics/metrics.controller';
import {
  NATS_CONNECTION,
  commandClientProvider,
  natsConnectionProvider,
} from '../nats/nats-connection.provider';
import { ContractValidationPipe } from '../validation/contract-validation.pipe';
import { RequestBodyModule } from '../validation/request-body.module';

/**
 * What every gateway route stands on, global so that feature modules can inject it:
 * GATEWAY_CONFIG, DATABASE_POOL, NATS_CONNECTION, CommandClient, TokenRepository, HttpMetrics;
 * and, for every route, bearer auth, contract validation of bodies and the error format.
 */
@Global()
@Module({})
export class GatewayCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayCoreModule,
      imports: [LoggerModule.forRoot(loggerOptions(config.logLevel ?? 'info')), RequestBodyModule],
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

  /** The gateway's own schema is migrated before it answers its first request. */
  async onModuleInit(): Promise<void> {
    await migrateGatewaySchema(this.pool);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nats.drain().catch(() => this.nats.close());
    await this.pool.end();
  }
}
