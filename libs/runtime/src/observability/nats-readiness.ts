import type { ServiceHealthReport } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import { probeWithin, type HealthProbe, type ServiceHealth } from '../service-health';

/** The probe of a NATS connection: one round trip to the server (refused at once while disconnected). */
export function natsProbe(nc: NatsConnection): HealthProbe {
  return async () => {
    if (nc.isClosed()) return 'the connection is closed';
    await nc.rtt();
    return undefined;
  };
}

/**
 * The process's readiness as its own /readyz tells it: the service's checks and its NATS connection.
 * The health ping leaves NATS out (its arrival proves it); an HTTP probe has no such proof.
 */
export function readinessWithNats(
  health: ServiceHealth,
  nc: NatsConnection | (() => NatsConnection),
  probeTimeoutMs = 500,
): () => Promise<ServiceHealthReport> {
  // A connection not made yet (the ops server opens before the service connects) throws: not ready.
  const connection = typeof nc === 'function' ? nc : () => nc;
  return async () => {
    const [report, nats] = await Promise.all([
      health.report(),
      probeWithin('nats', probeTimeoutMs, () => natsProbe(connection())()),
    ]);
    return { ...report, ready: report.ready && nats.up, checks: [nats, ...report.checks] };
  };
}
