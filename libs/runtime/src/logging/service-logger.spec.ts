import { Writable } from 'node:stream';
import { withCorrelationId } from './log-context';
import { logLevelOf, serviceLogger } from './service-logger';

/** A destination that keeps each JSON line written to it, parsed. */
function capturedLines(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

describe('serviceLogger', () => {
  it('writes level, time, service and msg on every line', () => {
    const { stream, lines } = capturedLines();
    serviceLogger('placement', { level: 'info', destination: stream }).info('placed web-1');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        time: expect.any(Number),
        service: 'placement',
        msg: 'placed web-1',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('correlationId');
  });

  it('adds the correlation id of the command being handled, across awaits and child loggers', async () => {
    const { stream, lines } = capturedLines();
    const log = serviceLogger('inventory', { level: 'info', destination: stream });
    await withCorrelationId('c-42', async () => {
      log.info('cordoning');
      await new Promise((resolve) => setImmediate(resolve));
      log.child({ context: 'HostCommandHandler' }).warn('cordoned');
    });
    log.info('idle');
    expect(lines.map((line) => [line.msg, line.correlationId])).toEqual([
      ['cordoning', 'c-42'],
      ['cordoned', 'c-42'],
      ['idle', undefined],
    ]);
    expect(lines[1]).toMatchObject({ service: 'inventory', context: 'HostCommandHandler' });
  });

  it('leaves out lines below its level', () => {
    const { stream, lines } = capturedLines();
    const log = serviceLogger('relay', { level: 'warn', destination: stream });
    log.info('quiet');
    log.error('loud');
    expect(lines.map((line) => line.msg)).toEqual(['loud']);
  });
});

describe('logLevelOf', () => {
  it('takes the level FEDERA_LOG_LEVEL names, info when it is unset or empty', () => {
    expect(logLevelOf({ FEDERA_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelOf({ FEDERA_LOG_LEVEL: '' })).toBe('info');
    expect(logLevelOf({})).toBe('info');
  });
});
