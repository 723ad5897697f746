import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { GatewayCoreModule } from './core/gateway-core.module';
import type { GatewayConfig } from './gateway-config';
import { TokensModule } from './tokens/tokens.module';
import { ServicesModule } from './services/services.module';
import { InstancesModule } from './instances/instances.module';
import { PlacementsModule } from './placements/placements.module';
import { EventsModule } from './events/events.module';
import { HostsModule } from './hosts/hosts.module';

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
  // hosts, services, instances, events, ... are appended here.
];

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, extraModules: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [GatewayCoreModule.forRoot(config), ...featureModules, ...extraModules],
    };
  }
}
