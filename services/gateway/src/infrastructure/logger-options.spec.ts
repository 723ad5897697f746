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
