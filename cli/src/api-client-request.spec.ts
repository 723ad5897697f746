import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { ApiClient, codeOfStatus, GatewayTimedOut } from './api-client';
import { exitCodeOf } from './exit-code';

describe('one request of the API client', () => {
  let server: Server;
  let baseUrl: string;
  let answer: (res: import('node:http').ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up a gateway that never answers after its request timeout, exit 5', async () => {
    answer = () => undefined;
    const api = new ApiClient({ baseUrl, token: undefined, requestTimeoutMs: 100 });
    const error = await api.get('/v1/services').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayTimedOut);
    expect((error as Error).message).toBe(
      `the Federa API at ${baseUrl} did not answer GET /v1/services within 0.1s`,
    );
    expect(exitCodeOf(error)).toBe(5);
  });

  it('gives up an event stream whose answer never comes, but not one that answered and stays quiet', async () => {
    const api = new ApiClient({ baseUrl, token: undefined, requestTimeoutMs: 100 });
    answer = () => undefined;
    const silent = await api.openStream('/v1/events/stream', {}).catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(GatewayTimedOut);
    expect(exitCodeOf(silent)).toBe(5);

    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    };
    const open = await api.openStream('/v1/events/stream', {});
    const reader = open.body!.getReader();
    await reader.read();
    // Well past the timeout, the stream is still open: its next read waits for data, not an abort.
    const next = await Promise.race([
      reader.read().then(
        () => 'read',
        (error: unknown) => `failed: ${String(error)}`,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 300)),
    ]);
    expect(next).toBe('still open');
    await reader.cancel();
  });

  it("throws the caller's abort reason when its signal aborts first", async () => {
    answer = () => undefined;
    const api = new ApiClient({ baseUrl, token: undefined });
    const reason = new Error('--timeout passed');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 20);
    await expect(api.get('/v1/services', { signal: controller.signal })).rejects.toBe(reason);
  });

  it("reads a proxy's HTML 503 as unavailable, exit 5", async () => {
    answer = (res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>Service Temporarily Unavailable</html>');
    };
    const error = await new ApiClient({ baseUrl, token: undefined })
      .get('/v1/services')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederaError);
    expect((error as FederaError).code).toBe(ErrorCodes.unavailable);
    expect(exitCodeOf(error)).toBe(5);
  });

  it('maps statuses without an error body: 502, 503, 504 unavailable, 401 unauthorized', () => {
    expect([502, 503, 504].map(codeOfStatus)).toEqual([
      ErrorCodes.unavailable,
      ErrorCodes.unavailable,
      ErrorCodes.unavailable,
    ]);
    expect(codeOfStatus(401)).toBe(ErrorCodes.unauthorized);
    expect(codeOfStatus(500)).toBe(ErrorCodes.internal);
  });
});
