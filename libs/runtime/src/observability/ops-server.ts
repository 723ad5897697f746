import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceHealthReport } from '@federa/contracts';
import { register } from 'prom-client';
import { readinessAnswer } from './readiness-answer';

export interface OpsServerOptions {
  /** 0: a free port. */
  port: number;
  /** @default all interfaces, so that a container's probes and Prometheus reach it */
  host?: string;
  /** The process's readiness, asked on every /readyz. */
  health: () => Promise<ServiceHealthReport>;
  /** @default prom-client's default registry */
  metrics?: () => Promise<{ contentType: string; text: string }>;
  /** How long close lets requests in flight finish before it cuts them. @default 1000 */
  closeGraceMs?: number;
}

/** A listening ops server: where it listens, and how to stop it (closing it twice closes it once). */
export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

const defaultRegistryMetrics = async (): Promise<{ contentType: string; text: string }> => ({
  contentType: register.contentType,
  text: await register.metrics(),
});

/**
 * A process's /healthz, /readyz and /metrics on a plain node:http server of its own: outside Nest,
 * so that it answers whatever the process's transport is doing, and costs nothing when not asked.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const metrics = options.metrics ?? defaultRegistryMetrics;
  const server = createServer((request, response) => {
    answer(request, response, options.health, metrics).catch((error: unknown) =>
      sendJson(response, 500, {
        error: { code: 'internal', message: String(error), details: [] },
      }),
    );
  });
  await listen(server, options.port, options.host);
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => (closed ??= closeServer(server, options.closeGraceMs ?? 1000)),
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  health: OpsServerOptions['health'],
  metrics: NonNullable<OpsServerOptions['metrics']>,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return sendJson(response, 405, {
      error: {
        code: 'method_not_allowed',
        message: `${request.method} is not served`,
        details: [],
      },
    });
  }
  switch (path) {
    case '/healthz':
      return sendJson(response, 200, { status: 'ok' });
    case '/readyz': {
      const readiness = readinessAnswer(await health());
      return sendJson(response, readiness.status, readiness.body);
    }
    case '/metrics': {
      const { contentType, text } = await metrics();
      response.writeHead(200, { 'Content-Type': contentType });
      response.end(text);
      return;
    }
    default:
      return sendJson(response, 404, {
        error: {
          code: 'not_found',
          message: `${path} is not served here: /healthz, /readyz and /metrics are`,
          details: [],
        },
      });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Stops listening and ends idle keep-alive connections (a scraper's), so that close does not wait on
 * them; a request still in flight after `graceMs` (a hung scrape) is cut, so that shutdown goes on.
 */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
