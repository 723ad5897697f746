import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { busIdentity } from '@federa/contracts';
import { natsConnectionOptions } from '@federa/messaging';
import { NatsServerProcess, eventually, uniquePrefix } from '@federa/testing';
import { prepareUpBusCredentials } from '../cli/src/up/bus-credentials';
import { useOrStartBackends } from '../cli/src/up/local-backends';

jest.setTimeout(120_000);

/** Connects as the identity of a seed file, and answers whether the server let it in. */
async function admits(url: string, seed: string): Promise<boolean> {
  try {
    const nc = await connect({
      ...natsConnectionOptions(url, 'test-reused-nats', { credentialsFile: seed }),
      reconnect: false,
    });
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

describe('federa up beside the NATS an earlier run started', () => {
  let state: string;
  let server: NatsServerProcess | undefined;

  beforeEach(() => {
    state = mkdtempSync(join(tmpdir(), 'federa-up-reused-'));
  });

  afterEach(async () => {
    await server?.dispose();
    server = undefined;
    rmSync(state, { recursive: true, force: true });
  });

  it('uses it again and gives its services and demo agents their credentials, issuing those it lacks', async () => {
    const prefix = uniquePrefix('upreused');
    const natsDir = join(state, 'nats');
    // What the earlier run left: its credentials and the server admitting only them.
    const earlier = prepareUpBusCredentials(state, prefix, ['h1'], natsDir);
    server = await NatsServerProcess.start({
      config: earlier.serverConfig,
      jetStreamInConfig: true,
    });
    const databaseUrl = 'postgres://postgres@127.0.0.1:5432/federa';
    const said: string[] = [];

    const backends = await useOrStartBackends(
      { databaseUrl, natsUrl: server.url, subjectPrefix: prefix },
      state,
      {
        step: (work) => work(),
        launch: () => Promise.reject(new Error('nothing should be started')),
        log: (line) => said.push(line),
      },
      { FEDERA_DATABASE_URL: databaseUrl, FEDERA_NATS_URL: server.url },
      ['h1', 'h2'],
    );

    expect(backends.natsUrl).toBe(server.url);
    expect(backends.credentials).toBeDefined();
    const seedOf = backends.credentials!.seedOf;
    expect(await admits(server.url, seedOf(busIdentity('service', 'inventory')))).toBe(true);
    expect(await admits(server.url, seedOf(busIdentity('agent', 'h1')))).toBe(true);
    // h2 is new: issued now, and admitted once the server reloads (its pid is unknown here).
    expect(said.join('\n')).toContain('reload that nats-server');
    await server.reload();
    await eventually(() => admits(server!.url, seedOf(busIdentity('agent', 'h2'))), 30_000);
  });

  it('gives no credentials when the NATS it uses admits anyone', async () => {
    const prefix = uniquePrefix('upopen');
    prepareUpBusCredentials(state, prefix, [], join(state, 'nats'));
    server = await NatsServerProcess.start();
    const databaseUrl = 'postgres://postgres@127.0.0.1:5432/federa';
    const backends = await useOrStartBackends(
      { databaseUrl, natsUrl: server.url, subjectPrefix: prefix },
      state,
      {
        step: (work) => work(),
        launch: () => Promise.reject(new Error('nothing should be started')),
        log: () => undefined,
      },
      { FEDERA_DATABASE_URL: databaseUrl, FEDERA_NATS_URL: server.url },
    );
    expect(backends.credentials).toBeUndefined();
  });
});
