import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDiscoveryServer } from './discovery-endpoint';
import { DiscoveryServer } from './discovery-server';
import { EndpointsBoard } from './endpoints-board';

const quiet = { warn: () => undefined };

describe('the discovery server', () => {
  it('holds many long polls at once and answers them all on close', async () => {
    const server = await DiscoveryServer.listen({ board: new EndpointsBoard(quiet), port: 0 });
    const url = `http://127.0.0.1:${server.port}/v1/discovery/shop?after=0&timeoutMs=60000`;
    const polls = Array.from({ length: 25 }, () => fetch(url).then((r) => r.status));
    // Every request has reached the server once one more answers at once.
    await fetch(`http://127.0.0.1:${server.port}/v1/discovery/shop`);
    await server.close();
    expect(await Promise.all(polls)).toEqual(Array(25).fill(200));
  });
});

describe('starting the discovery server', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'federa-discovery-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a bind address this host does not have, naming discovery.bind', async () => {
    // 192.0.2.0/24 is documentation space: no host has it.
    await expect(
      startDiscoveryServer(new EndpointsBoard(quiet), { bind: '192.0.2.77' }, dataDir, quiet),
    ).rejects.toMatchObject({
      errors: [{ path: 'discovery.bind', reason: expect.stringContaining('192.0.2.77') }],
    });
  });
});
