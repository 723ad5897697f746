import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ServiceEndpoints } from '@federa/contracts';
import type { EndpointsBoard } from './endpoints-board';
import { parseDiscoveryQuery } from './domain/discovery-query';

export interface DiscoveryServerOptions {
  board: EndpointsBoard;
  /** @default '127.0.0.1' */
  bind?: string;
  /** 0 lets the system choose. */
  port: number;
}

const PATH = /^\/v1\/discovery\/([a-z0-9-]{1,63})$/;

/**
 * FEDERA_DISCOVERY_URL: `GET /v1/discovery/<service>` answers the service's endpoints as the agent
 * holds them (an empty set, version 0, before any); with `?after=N` (or `?waitForVersion=N+1`) it
 * answers once a version above N is held, or after `timeoutMs` (default 30 s) with what is held
 * then. Read-only and unauthenticated: it tells a workload no more than its own environment does,
 * and it listens on the loopback unless the host config says otherwise.
 */
export class DiscoveryServer {
  private readonly server: Server;
  private readonly closing = new AbortController();

  private constructor(private readonly board: EndpointsBoard) {
    // Every open long poll listens for the close on this one signal: no bound on how many there are.
    setMaxListeners(0, this.closing.signal);
    this.server = createServer((request, response) => void this.answer(request, response));
    // Long polls hold a connection up to their timeout: no idle cut shorter than that.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 65_000;
  }

  /** Listens on `bind:port`; rejects when the port is taken. */
  static async listen(options: DiscoveryServerOptions): Promise<DiscoveryServer> {
    const server = new DiscoveryServer(options.board);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(options.port, options.bind ?? '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Answers every waiting reader, then closes. */
  async close(): Promise<void> {
    this.closing.abort();
    // The released polls answer on their next turn; then their connections are idle and can go.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => {
      const late = setTimeout(() => this.server.closeAllConnections(), 1_000);
      this.server.close(() => {
        clearTimeout(late);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://discovery');
    const match = PATH.exec(url.pathname);
    if (!match) return send(response, 404, { error: `no such resource ${url.pathname}` });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, { error: `${request.method} not allowed; use GET` });
    }
    const query = parseDiscoveryQuery(url.searchParams);
    if (!query.ok) return send(response, 400, { error: 'bad query', errors: query.errors });
    const service = match[1];
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    response.once('close', onClose);
    this.closing.signal.addEventListener('abort', onClose, { once: true });
    try {
      const held =
        query.afterVersion === undefined
          ? this.board.current(service)
          : await this.board.next(service, query.afterVersion, query.timeoutMs, abort.signal);
      if (response.destroyed) return;
      send(response, 200, held ?? emptySet(service));
    } finally {
      this.closing.signal.removeEventListener('abort', onClose);
    }
  }
}

/** What a service with no set yet answers: valid, version 0, no applications. */
export function emptySet(service: string): ServiceEndpoints {
  return { service, version: 0, updatedAt: 0, applications: [] };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
