import { InvalidArgumentError } from 'commander';
import { formatFollowed, parsePosition, ServerSentEvents } from './events';

describe('federa events', () => {
  it('reads --after as a non-negative integer and refuses anything else', () => {
    expect(parsePosition('0')).toBe(0);
    expect(parsePosition('1234')).toBe(1234);
    expect(() => parsePosition('-3')).toThrow(InvalidArgumentError);
    expect(() => parsePosition('ten')).toThrow(InvalidArgumentError);
  });

  it('splits server-sent events across chunk boundaries and skips comments', () => {
    const parser = new ServerSentEvents();
    expect(parser.push('id: 1\ndata: {"a":')).toEqual([]);
    expect(parser.push('1}\n\n: keep-alive\n\nid: 2\r\ndata: {"a":2}\r\n\r\n')).toEqual([
      '{"a":1}',
      '{"a":2}',
    ]);
  });

  it('prints a followed event as JSON for machines and as one line for people', () => {
    const event = {
      position: 7,
      streamId: 'host-mph-1',
      streamVersion: 2,
      type: 'HostCordoned',
      schemaVersion: 1,
      data: { host: 'mph-1' },
      metadata: { correlationId: 'c', actor: 'a', occurredAt: '2025-01-01T00:00:00Z' },
      eventId: '00000000-0000-4000-8000-000000000000',
      recordedAt: '2025-01-01T00:00:00.000Z',
    };
    expect(JSON.parse(formatFollowed(event, 'ndjson'))).toEqual(event);
    expect(formatFollowed(event, 'table')).toMatch(/^\s+7\s+host-mph-1\s+2\s+HostCordoned\s+2025/);
  });
});
