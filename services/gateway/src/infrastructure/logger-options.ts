import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Structured JSON logs with a request id on every line of a request: the caller's `X-Request-Id`
 * when it is sane, otherwise a new UUID, echoed back in the response header.
 */
export function loggerOptions(level: string): Params {
  return {
    pinoHttp: {
      level,
      name: 'gateway',
      customAttributeKeys: { reqId: 'requestId' },
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const given = request.headers['x-request-id'];
        const id = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
        response.setHeader('X-Request-Id', id);
        return id;
      },
      // Probes and scrapes every few seconds would drown the useful lines.
      autoLogging: {
        ignore: (request: IncomingMessage) =>
          ['/healthz', '/readyz', '/metrics'].includes((request.url ?? '').split('?')[0]),
      },
      redact: ['req.headers.authorization'],
    },
  };
}
