import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { withCorrelationId } from '@federa/runtime';
import { Observable } from 'rxjs';

/**
 * Runs each request's handler with the request's id (pino-http's, from a sane `X-Request-Id` or a
 * new UUID) as its correlation id: every command it sends carries it, so the owning service's log
 * lines for that command name the request that caused it.
 */
@Injectable()
export class RequestCorrelation implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const id = execution.switchToHttp().getRequest<{ id?: unknown }>().id;
    if (typeof id !== 'string') return next.handle();
    return new Observable((subscriber) =>
      withCorrelationId(id, () => next.handle().subscribe(subscriber)),
    );
  }
}
