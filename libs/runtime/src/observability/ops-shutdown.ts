import { Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import type { OpsServer } from './ops-server';

/**
 * `module` under a root that closes the ops server `ops()` answers as the app shuts down: on
 * `app.close()` and on SIGTERM/SIGINT alike, since Nest's signal handling runs the module hooks but
 * never calls `app.close()`. The root's hook runs before its imports' own, so probes read the process
 * as going away before its pools and connections close.
 */
export function closingOpsOnShutdown(
  module: unknown,
  ops: () => OpsServer | undefined,
): DynamicModule {
  @Module({})
  class OpsClosingRoot implements OnModuleDestroy {
    async onModuleDestroy(): Promise<void> {
      await ops()?.close();
    }
  }
  return { module: OpsClosingRoot, imports: [module as DynamicModule] };
}
