import { DEFAULT_LEASE_DIR } from '@federa/contracts';
import { loadConfig, positiveInt, streamReplicasFromEnv, type FederaConfig } from '@federa/runtime';
import {
  defaultDownAfterHeartbeats,
  defaultLivenessPolicy,
  type LivenessPolicy,
} from './domain/liveness-policy';

/** Everything the inventory process reads from its environment. */
export interface InventoryConfig {
  federa: FederaConfig;
  liveness: LivenessPolicy;
  /** FEDERA_LEASE_DIR: where agents renew their lease files (the second liveness signal). */
  leaseDir: string;
  /** FEDERA_STREAM_REPLICAS: copies of each host data bucket it creates, in a NATS cluster; @default 1 */
  dataBucketReplicas?: number;
}

/**
 * Reads FEDERA_* variables; liveness thresholds scale with FEDERA_HEARTBEAT_MS unless given:
 * FEDERA_SUSPECT_AFTER_MISSED (2), FEDERA_DOWN_AFTER_MS (2.5 heartbeats), FEDERA_LEASE_TTL_MS (2
 * heartbeats: a partitioned agent renews every heartbeat, while a dead one's lease is as old as
 * its silence, so a TTL at the down threshold would read a fresh death as a partition), FEDERA_DOWN_LIMIT_PER_SITE_PER_MINUTE (10), FEDERA_LIVENESS_TICK_MS (100).
 */
export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  const federa = loadConfig(env);
  const heartbeatMs = federa.heartbeatMs;
  const downAfterMs = positiveInt(
    env,
    'FEDERA_DOWN_AFTER_MS',
    Math.round(defaultDownAfterHeartbeats * heartbeatMs),
  );
  const liveness: LivenessPolicy = {
    heartbeatMs,
    suspectAfterMissed: positiveInt(
      env,
      'FEDERA_SUSPECT_AFTER_MISSED',
      defaultLivenessPolicy.suspectAfterMissed,
    ),
    downAfterMs,
    leaseTtlMs: positiveInt(env, 'FEDERA_LEASE_TTL_MS', Math.min(2 * heartbeatMs, downAfterMs)),
    maxDownPerSitePerMinute: positiveInt(
      env,
      'FEDERA_DOWN_LIMIT_PER_SITE_PER_MINUTE',
      defaultLivenessPolicy.maxDownPerSitePerMinute,
    ),
    tickMs: positiveInt(env, 'FEDERA_LIVENESS_TICK_MS', defaultLivenessPolicy.tickMs),
  };
  if (liveness.heartbeatMs * liveness.suspectAfterMissed >= liveness.downAfterMs) {
    throw new Error(
      'FEDERA_DOWN_AFTER_MS must be longer than FEDERA_SUSPECT_AFTER_MISSED heartbeat intervals',
    );
  }
  return {
    federa,
    liveness,
    leaseDir: env.FEDERA_LEASE_DIR || DEFAULT_LEASE_DIR,
    dataBucketReplicas: streamReplicasFromEnv(env),
  };
}
