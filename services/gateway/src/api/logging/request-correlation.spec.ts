import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { currentCorrelationId } from '@federa/runtime';
import { defer, lastValueFrom } from 'rxjs';
import { RequestCorrelation } from './request-correlation';

function httpRequest(request: object): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

/** A handler that answers the correlation id it runs under, after an await. */
const handler: CallHandler = {
  handle: () =>
    defer(async () => {
      await Promise.resolve();
      return currentCorrelationId();
    }),
};

describe('RequestCorrelation', () => {
  it("runs the handler under the request's id, awaits included", async () => {
    const answer = new RequestCorrelation().intercept(httpRequest({ id: 'req-7' }), handler);
    expect(await lastValueFrom(answer)).toBe('req-7');
  });

  it('runs a request without an id as it is', async () => {
    const answer = new RequestCorrelation().intercept(httpRequest({}), handler);
    expect(await lastValueFrom(answer)).toBeUndefined();
  });
});
