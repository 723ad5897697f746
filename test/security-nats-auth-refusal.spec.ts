import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { connectNats, NatsAuthRefusal } from '@federa/messaging';
import {
  freshDatabase,
  itWhen,
  NatsServerProcess,
  natsServerBinary,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { ServiceProcess } from './tls-service-process';

// A nats-server of this test's own that asks for a user and password: a client with the wrong ones
// must stop with the reason rather than retry forever in silence, as it does for a server that is down.
const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';
const itWithNats = itWhen(unavailable);

describe('a first NATS connection whose identity the server refuses', () => {
  let server: NatsServerProcess;
  let dir: string;
  let database: FreshDatabase;
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    if (unavailable) return;
    dir = mkdtempSync(join(tmpdir(), 'federa-nats-auth-'));
    const config = join(dir, 'auth.conf');
    writeFileSync(config, 'authorization {\n  users = [{ user: a, password: b }]\n}\n');
    server = await NatsServerProcess.start({ config });
    database = await freshDatabase('nats_auth_refusal');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    await server?.dispose();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  itWithNats(
    'stops with a refusal naming FEDERA_NATS_CREDENTIALS instead of waiting',
    async () => {
      const extra = { user: 'wrong', pass: 'creds' };
      const refusal = await connectNats(server.url, 'auth-test', extra, {}).catch(
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(NatsAuthRefusal);
      expect((refusal as NatsAuthRefusal).code).toBe('AUTHORIZATION_VIOLATION');
      expect((refusal as Error).message).toContain('FEDERA_NATS_CREDENTIALS');
    },
    30_000,
  );

  itWithNats(
    'lets in a client with the right user and password',
    async () => {
      const connection = await connectNats(server.url, 'auth-test', { user: 'a', pass: 'b' }, {});
      await connection.close();
    },
    30_000,
  );

  itWithNats(
    'a service whose seed the server does not know stops, naming FEDERA_NATS_CREDENTIALS',
    async () => {
      const seedFile = join(dir, 'stranger.nk');
      writeFileSync(seedFile, `${new TextDecoder().decode(nkeys.createUser().getSeed())}\n`);
      const service = ServiceProcess.start('placement', {
        FEDERA_NATS_URL: server.url,
        FEDERA_SUBJECT_PREFIX: uniquePrefix('auth'),
        FEDERA_DATABASE_URL: database.url,
        FEDERA_NATS_CREDENTIALS: seedFile,
      });
      started.push(service);
      expect(await service.exited).toBe(1);
      expect(service.output).toContain(`FEDERA_NATS_CREDENTIALS (${seedFile})`);
      expect(service.output).toContain('AUTHORIZATION_VIOLATION');
    },
    90_000,
  );
});
