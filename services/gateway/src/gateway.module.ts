import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { GatewayCoreModule } from './infrastructure/gateway-core.module';
import type { GatewayConfig } from './gateway-config';
import { TokensModule } from './api/tokens/tokens.module';
import { ServicesModule } from './api/services/services.module';
import { InstancesModule } from './api/instances/instances.module';
import { PlacementsModule } from './api/placements/placements.module';
import { EventsModule } from './api/events/events.module';
import { HostsModule } from './api/hosts/hosts.module';
import { MigrationsModule } from './api/migrations/migrations.module';
import { CostsModule } from './api/statistics/costs.module';
import { ForecastsModule } from './api/statistics/forecasts.module';
import { UsageModule } from './api/statistics/usage.controller';
import { RecommendationsModule } from './api/recommendations/recommendations.module';
import { DashboardModule } from './api/dashboard/dashboard.module';
import { SessionModule } from './api/session/session.module';

/**
 * The gateway: its core (auth, errors, health, metrics, connections) and the feature modules
 * serving `/v1`. A feature module adds itself to `featureModules`; it can inject CommandClient,
 * DATABASE_POOL, GATEWAY_CONFIG and mark routes with @RequiresRole / @Public.
 */
const featureModules = [
  TokensModule,
  PlacementsModule,
  ServicesModule,
  InstancesModule,
  EventsModule,
  HostsModule,
  MigrationsModule,
  CostsModule,
  ForecastsModule,
  UsageModule,
  RecommendationsModule,
  DashboardModule,
  SessionModule,
  // hosts, services, instances, events, ... are appended here.
];

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, extraModules: Type[] = []): DynamicModule {
    return {
      module: GatewayModule,
      imports: [GatewayCoreModule.forRoot(config), ...featureModules, ...extraModules],
    };
  }
}
