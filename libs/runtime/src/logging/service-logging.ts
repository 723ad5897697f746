import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { serviceLogger, type ServiceLoggerOptions } from './service-logger';

/**
 * The service's module with nestjs-pino beside it, so that Nest's own lines and every
 * `new Logger(context)` come out in the shared JSON format once `useServiceLogger` has run.
 */
export function withServiceLogging(
  module: unknown,
  service: string,
  options: ServiceLoggerOptions = {},
): DynamicModule {
  @Module({})
  class ServiceLoggingRoot {}
  return {
    module: ServiceLoggingRoot,
    imports: [
      module as DynamicModule,
      LoggerModule.forRoot({ pinoHttp: { logger: serviceLogger(service, options) } }),
    ],
  };
}

/**
 * Hands the app's logging to pino; lines buffered since the app was created (`bufferLogs: true`)
 * are written then.
 */
export function useServiceLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(PinoNestLogger));
}
