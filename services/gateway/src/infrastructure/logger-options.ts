import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { serviceLogOptions } from '@federa/runtime';
import type { Params } from 'nestjs-pino';
import { destination, type DestinationStream } from 'pino';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Headers that carry a secret, in the request and response of each request line. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/**
 * Structured JSON logs with a request id on every line of a request: the caller's `X-Request-Id`
 * when it is sane, otherwise a new UUID, echoed back in the response header.
 */
export function loggerOptions(level: string): Params {
  const options = {
    // Every service's format: `service: gateway` on each line.
    ...serviceLogOptions('gateway', level),
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
    // Credentials a client may send: the line keeps the header's presence, never its value.
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  return { pinoHttp: level === 'silent' ? options : [options, bufferedStdout()] };
}

/** How much of the log is written at once, at most a second late. */
const logBufferBytes = 8192;
let stdout: DestinationStream | undefined;

/**
 * Standard output, written 8 KiB at a time (sonic-boom refuses a buffer as large as its 16 KiB
 * largest write): one write per request line cost the gateway ~0.2 ms of CPU per request. Flushed
 * every second, so that a quiet gateway's lines still show, and at exit (pino flushes its
 * destinations then). One for the process, however many gateways it runs.
 */
function bufferedStdout(): DestinationStream {
  if (!stdout) {
    const stream = destination({ dest: 1, minLength: logBufferBytes, sync: false });
    setInterval(() => {
      try {
        stream.flush();
      } catch {
        // Closed at exit, after its last flush.
      }
    }, 1000).unref();
    stdout = stream;
  }
  return stdout;
}
