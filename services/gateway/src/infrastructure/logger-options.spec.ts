import type { DestinationStream } from 'pino';
import pinoHttp, { type Options } from 'pino-http';
import { loggerOptions } from './logger-options';

describe('gateway logger options', () => {
  it('make a request logger at every level, buffered on standard output unless silent', () => {
    for (const level of ['silent', 'info', 'debug']) {
      const { pinoHttp: params } = loggerOptions(level);
      const [options, destination] = (Array.isArray(params) ? params : [params, undefined]) as [
        Options,
        DestinationStream | undefined,
      ];
      expect(destination === undefined).toBe(level === 'silent');
      expect(() => pinoHttp(options, destination)).not.toThrow();
    }
  });
});

describe('gateway request lines', () => {
  it('never hold the bearer token, a cookie or a proxy credential a client sent', async () => {
    const { pinoHttp: params } = loggerOptions('info');
    const [options] = (Array.isArray(params) ? params : [params]) as [Options];
    const lines: string[] = [];
    const sink = { write: (line: string) => lines.push(line) } as unknown as DestinationStream;
    const logger = pinoHttp({ ...options, autoLogging: true }, sink);
    const { IncomingMessage, ServerResponse } = await import('node:http');
    const { Socket } = await import('node:net');
    const request = new IncomingMessage(new Socket());
    request.method = 'GET';
    request.url = '/v1/hosts';
    request.headers = {
      authorization: 'Bearer fed_secret-in-authorization',
      cookie: 'session=secret-in-cookie',
      'proxy-authorization': 'Basic secret-in-proxy',
    };
    const response = new ServerResponse(request);
    logger(request, response);
    request.log.info('handled');
    response.end();
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0])).toMatchObject({ service: 'gateway', msg: 'handled' });
    const text = lines.join('');
    expect(text).toContain('[redacted]');
    expect(text).not.toMatch(/secret-in/);
  });
});
