import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from 'commander';
import { eventsCommand, formatFollowed, parseActor, parsePosition } from './events';

describe('federa events', () => {
  it('reads --after as a non-negative integer and refuses anything else', () => {
    expect(parsePosition('0')).toBe(0);
    expect(parsePosition('1234')).toBe(1234);
    expect(() => parsePosition('-3')).toThrow(InvalidArgumentError);
    expect(() => parsePosition('ten')).toThrow(InvalidArgumentError);
  });

  it('reads --actor as the API takes it and refuses a malformed one', () => {
    expect(parseActor('token:alice')).toBe('token:alice');
    expect(() => parseActor('token:a b')).toThrow(InvalidArgumentError);
    expect(() => parseActor('')).toThrow(InvalidArgumentError);
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
    expect(formatFollowed(event, 'table')).toMatch(
      /^\s+7\s+host-mph-1\s+2\s+HostCordoned\s+2025\S+\s+a$/,
    );
  });
});

describe('federa events -f | head', () => {
  it('ends quietly, exit 0, once the reader of its output is gone', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = { position: 1, streamId: 's', streamVersion: 1, type: 'HostCordoned' };
      response.write(`id: 1\ndata: ${JSON.stringify({ ...event, metadata: { actor: 'a' } })}\n\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const printed: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      // What Node does when `head` has exited: the write fails later, as an 'error' event.
      setImmediate(() =>
        process.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
      );
      return true;
    });
    const previousExitCode = process.exitCode;
    process.exitCode = undefined;
    try {
      await eventsCommand().parseAsync(['node', 'events', '-f', '-o', 'ndjson', '--api', api]);
      expect(process.exitCode ?? 0).toBe(0);
      expect(printed).toHaveLength(1);
    } finally {
      jest.restoreAllMocks();
      process.exitCode = previousExitCode;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
