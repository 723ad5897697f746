import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { FederaError } from '@federa/contracts';
import { throwError, type Observable } from 'rxjs';

/**
 * Keeps a handler's refusal (FederaError, ValidationFailed) intact on its way to the reply, where
 * Nest's default filter would flatten every error into "Internal server error".
 */
@Catch()
export class CommandExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => FederaError.from(exception));
  }
}
