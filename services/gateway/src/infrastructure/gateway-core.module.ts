import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
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
import { RateLimitGuard } from '../api/rate-limit/rate-limit.guard';
import { FailedAuthentications } from '../api/rate-limit/failed-authentications';
import { rateLimitDefaults } from '../api/rate-limit/rate-limit-config';
import { drainWithin, endPoolWithin } from '@federa/runtime';
import { InstanceListMemory } from './instance-list-memory';

/**
 * What every gateway route stands on, global so that feature modules can inject it:
 * GATEWAY_CONFIG, DATABASE_POOL (raw pg, for the event log), NATS_CONNECTION, CommandClient,
 * TokenRepository, HttpMetrics, InstanceListMemory, and TypeORM's DataSource (schema `gateway`, migrated before the
 * first request); and, for every route, bearer auth, a rate limit per token, contract validation of
 * bodies and the error format.
 */
@Global()
@Module({})
export class GatewayCoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly instanceLists: InstanceListMemory,
  ) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    const rateLimit = config.rateLimit ?? rateLimitDefaults;
    const rateLimited = rateLimit.limit > 0;
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
        ...(rateLimited
          ? [
              ThrottlerModule.forRoot([
                // No block: a sliding window, each request counted for windowMs after it, refusals
                // not counted; a refused caller resumes as its oldest request leaves the window.
                { limit: rateLimit.limit, ttl: rateLimit.windowMs, blockDuration: 0 },
              ]),
            ]
          : []),
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
        InstanceListMemory,
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        // After the bearer guard (global guards run in this order): it counts the token it found.
        ...(rateLimited
          ? [{ provide: APP_GUARD, useClass: RateLimitGuard }, FailedAuthentications]
          : []),
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
        InstanceListMemory,
        // Sign-in (POST /v1/session) counts refused tokens as the bearer guard does.
        ...(rateLimited ? [FailedAuthentications] : []),
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // Its reads of the log use the pool: they end before the pool does.
    await this.instanceLists.stop();
    await drainWithin(this.nats, 'gateway');
    await endPoolWithin(this.pool, 'gateway');
  }
}
