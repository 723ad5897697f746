import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { JsonBodyMiddleware } from './json-body.middleware';

/**
 * JSON body parsing, in a module that is not global on purpose: Nest mounts the middleware of global
 * modules first, so the request logger (global) sees every request, a malformed body included.
 */
@Module({})
export class RequestBodyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes('*');
  }
}
