import type { INestMicroservice } from '@nestjs/common';
import { runService, type FederaConfig } from '@federa/runtime';
import { PlacementModule } from '../services/placement/src/placement.module';
import { natsUrl, type ControlPlane } from './supervision-harness';

/**
 * Placement (one share of one) in this process beside a test's control plane, on its database and
 * prefix; `heartbeatMs` is how often it expects hosts' heartbeats.
 */
export function startPlacement(
  plane: Pick<ControlPlane, 'database' | 'prefix'>,
  heartbeatMs: number,
): Promise<INestMicroservice> {
  const config: FederaConfig = {
    databaseUrl: plane.database.url,
    natsUrl,
    httpPort: 0,
    apiToken: 'placement-test-token',
    heartbeatMs,
    subjectPrefix: plane.prefix,
  };
  return runService(PlacementModule.forRoot({ config, share: { index: 0, count: 1 } }), {
    name: 'placement',
    config,
  });
}
