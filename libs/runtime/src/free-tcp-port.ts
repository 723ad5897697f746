import { createServer } from 'node:net';

/**
 * A TCP port free a moment ago on 127.0.0.1. Its own file so that the agent and libs/testing can
 * import it by path without loading the @federa/runtime index (which loads Nest).
 */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
