import { BadRequestException, type ArgumentsHost } from '@nestjs/common';
import { ErrorResponseFilter } from './error-response.filter';

/** What the filter answers for `exception` on `GET path`. */
function answer(exception: unknown, path = '/v1/services/%zz') {
  const sent: { status?: number; body?: unknown } = {};
  const response = {
    headersSent: false,
    setHeader: () => undefined,
    status(status: number) {
      sent.status = status;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', path }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ErrorResponseFilter().catch(exception, host);
  return sent;
}

describe('ErrorResponseFilter', () => {
  it('names the path when a path parameter is not valid percent-encoding', () => {
    // Nest maps the router's URIError to this exception.
    expect(answer(new BadRequestException("Failed to decode param '%zz'"))).toEqual({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: "Failed to decode param '%zz'",
          details: [{ path: 'path', reason: '%zz is not valid percent-encoding' }],
        },
      },
    });
  });
});
