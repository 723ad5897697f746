import { Logger, type INestApplicationContext, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandExceptionFilter } from '@federa/messaging';
import { loadConfig, type FederaConfig } from './federa-config';
import { metricsPortFromEnv } from './observability/metrics-port';
import { watchNatsConnection } from './observability/nats-connection-gauge';
import type { OpsServer } from './observability/ops-server';
import { closingOpsOnShutdown } from './observability/ops-shutdown';
import { closeOpsWithApp, startServiceOps } from './observability/service-ops';
import { ServiceHealth } from './service-health';
import { startTracing } from './tracing/start-tracing';
import {
  CorrelatedCommandTransport,
  useServiceLogger,
  withServiceLogging,
  type ServiceLoggerOptions,
} from './logging';
import { urlWithoutCredentials } from './url-without-credentials';

export interface ServiceOptions {
  /** The service's name: its queue group, its log prefix, its command subjects (`cmd.<name>.*`). */
  name: string;
  config?: FederaConfig;
  /** The log's level and destination; @default FEDERA_LOG_LEVEL, standard output */
  log?: ServiceLoggerOptions;
}

/**
 * Starts a Federa service as a Nest microservice on the command transport, with refusals carried
 * intact to callers and a clean shutdown on SIGINT/SIGTERM, and its health and metrics endpoints on
 * FEDERA_METRICS_PORT (opened before it takes commands). Answers the running app (tests close it;
 * closing it, or a signal's shutdown, closes the endpoints first).
 */
export async function runService(
  module: unknown,
  options: ServiceOptions,
): Promise<INestMicroservice> {
  startTracing(options.name);
  const config = options.config ?? loadConfig();
  // Read before anything starts: a bad value fails the start with nothing to undo.
  const metricsPort = metricsPortFromEnv();
  const transport = new CorrelatedCommandTransport({
    natsUrl: config.natsUrl,
    subjectPrefix: config.subjectPrefix,
    service: options.name,
  });
  let ops: OpsServer | undefined;
  const app = await NestFactory.createMicroservice(
    closingOpsOnShutdown(withServiceLogging(module, options.name, options.log), () => ops),
    { strategy: transport, bufferLogs: true },
  );
  useServiceLogger(app);
  app.useGlobalFilters(new CommandExceptionFilter());
  app.enableShutdownHooks();
  try {
    // Bound before the service subscribes to its commands: a taken port fails the start with no
    // command taken, hence none dropped.
    ops = await startServiceOps({
      service: options.name,
      health: serviceHealthOf(app, options.name),
      nc: () => transport.connection,
      port: metricsPort,
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  closeOpsWithApp(app, ops);
  await app.listen();
  watchNatsConnection(options.name, transport.connection);
  new Logger(options.name).log(
    `${options.name} listening on ${urlWithoutCredentials(config.natsUrl)} (prefix ${config.subjectPrefix})`,
  );
  return app;
}

/** The ServiceHealth the service's module provides (every service has one); a bare one otherwise. */
function serviceHealthOf(app: INestMicroservice, name: string): ServiceHealth {
  try {
    return app.get(ServiceHealth, { strict: false });
  } catch {
    return new ServiceHealth(name);
  }
}

/** Runs `start` as a process's main: logs and exits 1 when it throws, so supervisors notice. */
export function runMain(start: () => Promise<INestApplicationContext | unknown>): void {
  start().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
