import 'reflect-metadata';
import { startTracing } from '@federa/runtime/tracing';
import { createGatewayApp } from './create-gateway-app';
import { loadGatewayConfig } from './gateway-config';

startTracing('gateway');

/** `node dist/services/gateway/src/main.js`: the gateway on FEDERA_HTTP_PORT until SIGTERM/SIGINT. */
createGatewayApp(loadGatewayConfig()).then(
  (gateway) => gateway.app.enableShutdownHooks(),
  (error: unknown) => {
    console.error(
      `gateway failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
