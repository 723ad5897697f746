import { Logger } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { ServiceHealth } from '../service-health';
import { metricsPortFromEnv } from './metrics-port';
import { watchNatsConnection } from './nats-connection-gauge';
import { readinessWithNats } from './nats-readiness';
import { startOpsServer, type OpsServer } from './ops-server';
import { collectProcessMetrics } from './process-metrics';

export interface ServiceOpsOptions {
  service: string;
  health: ServiceHealth;
  /**
   * The service's NATS connection (its readiness and `federa_nats_connected`), or how to get it once
   * made: the ops server may open first, the caller then watching the connection itself.
   */
  nc: NatsConnection | (() => NatsConnection);
  /** @default FEDERA_METRICS_PORT */
  port?: number;
}

/**
 * A service's health and metrics endpoints on FEDERA_METRICS_PORT (none when it is unset), with the
 * process's metrics and its NATS gauge. Answers the server, to close on shutdown.
 */
export async function startServiceOps(options: ServiceOpsOptions): Promise<OpsServer | undefined> {
  if (typeof options.nc !== 'function') watchNatsConnection(options.service, options.nc);
  const port = options.port ?? metricsPortFromEnv();
  if (port === undefined) return undefined;
  collectProcessMetrics();
  const server = await startOpsServer({
    port,
    health: readinessWithNats(options.health, options.nc),
  });
  new Logger(options.service).log(
    `${options.service} serves /healthz, /readyz and /metrics on port ${server.port}`,
  );
  return server;
}

const opsOfApp = new WeakMap<object, OpsServer>();

/** The ops server `closeOpsWithApp` tied to `app`: where a test finds the port 0 picked. */
export function opsServerOf(app: object): OpsServer | undefined {
  return opsOfApp.get(app);
}

/**
 * Makes closing `app` close its ops server first, so that probes read the process as gone. A signal's
 * shutdown does not call `app.close()`: `closingOpsOnShutdown` covers it.
 */
export function closeOpsWithApp(app: { close(): Promise<void> }, ops: OpsServer | undefined): void {
  if (!ops) return;
  opsOfApp.set(app, ops);
  const closeApp = app.close.bind(app);
  app.close = async () => {
    await ops.close();
    await closeApp();
  };
}
