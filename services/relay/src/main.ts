import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  closeOpsWithApp,
  closingOpsOnShutdown,
  metricsPortFromEnv,
  startServiceOps,
  useServiceLogger,
  withServiceLogging,
  type OpsServer,
} from '@federa/runtime';
import { startTracing } from '@federa/runtime/tracing';
import { RelayModule } from './relay.module';

/** `federa-relay`: publishes the event log to JetStream; run several, one is active. */
async function main(): Promise<void> {
  startTracing('relay');
  // Read before anything starts: a bad value fails the start with nothing to undo.
  const metricsPort = metricsPortFromEnv();
  let ops: OpsServer | undefined;
  const app = await NestFactory.createApplicationContext(
    closingOpsOnShutdown(withServiceLogging(RelayModule, 'relay'), () => ops),
    { bufferLogs: true },
  );
  useServiceLogger(app);
  app.enableShutdownHooks();
  const relay = app.get(RelayModule);
  try {
    ops = await startServiceOps({
      service: 'relay',
      health: relay.health,
      nc: relay.nc,
      port: metricsPort,
    });
  } catch (error) {
    // A taken port: stop the relay cleanly (its lease released) rather than exit mid-publish.
    await app.close();
    throw error;
  }
  closeOpsWithApp(app, ops);
}

main().catch((error) => {
  // Before the app (and so its logger) exists.
  process.stderr.write(`relay failed to start: ${String(error)}\n`);
  process.exit(1);
});
