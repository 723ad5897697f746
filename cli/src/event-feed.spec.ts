import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FederaError, type RecordedEvent } from '@federa/contracts';
import { ApiClient, GatewayUnreachable } from './api-client';
import { readEventFeed } from './event-feed';

/** What the test server saw of one request to the stream. */
interface SeenRequest {
  url: string;
  lastEventId: string | undefined;
  authorization: string | undefined;
}

let server: Server;
let seen: SeenRequest[];
let respond: (request: IncomingMessage, response: ServerResponse, index: number) => void;

beforeEach(async () => {
  seen = [];
  server = createServer((request, response) => {
    seen.push({
      url: request.url ?? '',
      lastEventId: request.headers['last-event-id'] as string | undefined,
      authorization: request.headers.authorization,
    });
    respond(request, response, seen.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(): ApiClient {
  const { port } = server.address() as AddressInfo;
  return new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'secret' });
}

function message(position: number): string {
  return `id: ${position}\ndata: ${JSON.stringify({ position, type: 'HostCordoned' })}\n\n`;
}

function openStream(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
}

const quickBackoff = { baseMs: 1, maxMs: 5 };

describe('readEventFeed', () => {
  it('resumes a dropped stream with Last-Event-ID, losing and repeating nothing', async () => {
    respond = (_request, response, index) => {
      openStream(response);
      if (index === 0) {
        // Two events, one of them split across writes, then the connection breaks.
        response.write(`: hello\n\n${message(6)}id: 7\ndata: {"position":`);
        response.write('7}\n\n');
        setTimeout(() => response.destroy(), 20);
      } else response.write(message(8));
    };
    const stop = new AbortController();
    const positions: number[] = [];
    const reconnects: (string | undefined)[] = [];
    await readEventFeed(client(), {
      after: 5,
      filters: { actor: 'token:alice' },
      signal: stop.signal,
      backoff: quickBackoff,
      onEvent: (event: RecordedEvent) => {
        positions.push(event.position);
        if (event.position === 8) stop.abort();
      },
      onReconnect: ({ lastEventId }) => reconnects.push(lastEventId),
    });
    expect(positions).toEqual([6, 7, 8]);
    expect(reconnects).toEqual(['7']);
    expect(seen[0]).toEqual({
      url: '/v1/events/stream?after=5&actor=token%3Aalice',
      lastEventId: undefined,
      authorization: 'Bearer secret',
    });
    expect(seen[1]).toEqual({
      url: '/v1/events/stream?actor=token%3Aalice',
      lastEventId: '7',
      authorization: 'Bearer secret',
    });
  });

  it('keeps backing off further while each reconnection is answered and closed at once', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999);
    respond = (_request, response, index) => {
      openStream(response);
      if (index === 0) response.write(message(1));
      response.end();
    };
    const stop = new AbortController();
    const delays: number[] = [];
    try {
      await readEventFeed(client(), {
        signal: stop.signal,
        backoff: { baseMs: 8, maxMs: 1000 },
        onEvent: () => undefined,
        onReconnect: ({ delayMs }) => {
          delays.push(delayMs);
          if (delays.length === 5) stop.abort();
        },
      });
    } finally {
      jest.restoreAllMocks();
    }
    // The first connection carried an event, so its drop starts the backoff again; the empty ones do not.
    expect(delays).toEqual([7, 15, 31, 63, 127]);
  });

  it('backs off and resumes when a reconnection is answered 503 unavailable or a proxy 502', async () => {
    respond = (_request, response, index) => {
      if (index === 1) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'unavailable', message: 'restarting' } }));
      } else if (index === 2) {
        response.writeHead(502, { 'content-type': 'text/html' });
        response.end('<html>Bad Gateway</html>');
      } else {
        openStream(response);
        response.write(message(index === 0 ? 1 : 2));
        if (index === 0) setTimeout(() => response.destroy(), 20);
      }
    };
    const stop = new AbortController();
    const positions: number[] = [];
    await readEventFeed(client(), {
      signal: stop.signal,
      backoff: quickBackoff,
      onEvent: (event) => {
        positions.push(event.position);
        if (event.position === 2) stop.abort();
      },
    });
    expect(positions).toEqual([1, 2]);
    expect(seen.map((request) => request.lastEventId)).toEqual([undefined, '1', '1', '1']);
  });

  it('resumes when the stream ends with an unavailable error, and ends on a forbidden answer', async () => {
    respond = (_request, response, index) => {
      if (index === 1) {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'forbidden', message: 'no scope' } }));
        return;
      }
      openStream(response);
      response.write(message(1));
      response.end(
        `event: error\ndata: ${JSON.stringify({ error: { code: 'unavailable', message: 'database down' } })}\n\n`,
      );
    };
    const positions: number[] = [];
    await expect(
      readEventFeed(client(), {
        backoff: quickBackoff,
        onEvent: (event) => void positions.push(event.position),
      }),
    ).rejects.toThrow(new FederaError('forbidden', 'no scope'));
    expect(positions).toEqual([1]);
    expect(seen).toHaveLength(2);
  });

  it('ends with the API error when the stream says the token was revoked', async () => {
    respond = (_request, response) => {
      openStream(response);
      response.write(message(1));
      response.write(
        `event: error\ndata: ${JSON.stringify({ error: { code: 'unauthorized', message: 'token revoked' } })}\n\n`,
      );
    };
    const positions: number[] = [];
    await expect(
      readEventFeed(client(), { onEvent: (event) => void positions.push(event.position) }),
    ).rejects.toThrow(new FederaError('unauthorized', 'token revoked'));
    expect(positions).toEqual([1]);
    expect(seen).toHaveLength(1);
  });

  it('does not retry an answer that is not the stream, such as a refused token', async () => {
    respond = (_request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'bad token' } }));
    };
    await expect(readEventFeed(client(), { onEvent: () => undefined })).rejects.toThrow(
      new FederaError('unauthorized', 'bad token'),
    );
    expect(seen).toHaveLength(1);
  });

  it('fails as unreachable when the first connection cannot be made', async () => {
    const { port } = server.address() as AddressInfo;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const unreachable = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: undefined });
    await expect(readEventFeed(unreachable, { onEvent: () => undefined })).rejects.toBeInstanceOf(
      GatewayUnreachable,
    );
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('passes on what the handler throws without reconnecting', async () => {
    respond = (_request, response) => {
      openStream(response);
      response.write(message(1));
    };
    await expect(
      readEventFeed(client(), {
        backoff: quickBackoff,
        onEvent: () => {
          throw new Error('handler failed');
        },
      }),
    ).rejects.toThrow('handler failed');
    expect(seen).toHaveLength(1);
  });
});
