import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { GatewayModule } from './gateway.module';
import type { GatewayConfig } from './gateway-config';
import { HttpMetrics } from './api/metrics/http-metrics';
import { HttpTraceContext, httpTracing } from './api/tracing/http-tracing';
import { RequestCorrelation } from './api/logging/request-correlation';
import { setupOpenApi } from './api/openapi/setup-openapi';
import { LoadShedding } from './api/shedding/load-shedding';
import { securityHeaders } from './api/security/security-headers';
import { sheddingDefaults } from './api/shedding/shedding-config';

/** A started gateway: its Nest app, the URL it answers on, and how to stop it. */
export interface GatewayApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>`, the port being the one actually bound (useful with httpPort 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the gateway, migrates its schema, and listens on `config.httpPort` (0: any free port).
 * Rejects when Postgres does not answer; waits for NATS like every Federa process.
 * `extraModules` are mounted beside the feature modules (tests mount their own routes).
 */
export async function createGatewayApp(
  config: GatewayConfig,
  extraModules: Type[] = [],
): Promise<GatewayApp> {
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.forRoot(config, extraModules),
    {
      bufferLogs: true,
      // Parsed by JsonBodyMiddleware so that a malformed body is answered in the error format.
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.use(httpTracing);
  app.useGlobalInterceptors(new HttpTraceContext(), new RequestCorrelation());
  const metrics = app.get(HttpMetrics);
  app.use(metrics.middleware);
  // Before Nest's own middleware (logging, body parsing) and guards: a refusal must cost nothing.
  const shedding = new LoadShedding(config.shedding ?? sheddingDefaults, metrics.registry);
  app.use(shedding.middleware);
  app.use(securityHeaders);
  app.disable('x-powered-by');
  // Express 5's `simple` parser: `?a[b]=1` stays a flat key, so no query can build nested objects.
  app.set('query parser', 'simple');
  setupOpenApi(app);
  await app.listen(config.httpPort, config.httpHost ?? '0.0.0.0');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      shedding.close();
      await app.close();
    },
  };
}
