import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects } from '@federa/contracts';
import { connectNats, NatsTlsRefusal, type NatsSecurity } from '@federa/messaging';
import {
  eventually,
  freshDatabase,
  itWhen,
  NatsServerProcess,
  natsServerBinary,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { opensslUnavailable, TestCertificateAuthority } from './tls-certificates';
import { ServiceProcess } from './tls-service-process';

// A TLS-only nats-server with a certificate from a CA of this test's own, a second one that also
// asks for client certificates (mutual TLS), and the placement service spawned against them: it
// talks to the bus when given the CA, and stops naming the refused certificate otherwise.
const unavailable =
  opensslUnavailable() ?? (natsServerBinary() ? undefined : 'nats-server is not installed');
const itWithTls = itWhen(unavailable);
const SHARED_NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('NATS over TLS', () => {
  let ca: TestCertificateAuthority;
  let wrongCa: TestCertificateAuthority;
  let server: NatsServerProcess;
  let mutual: NatsServerProcess;
  let otherName: NatsServerProcess;
  let database: FreshDatabase;
  const serverLog: string[] = [];
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    if (unavailable) return;
    ca = TestCertificateAuthority.create('Federa test CA');
    wrongCa = TestCertificateAuthority.create('Some other CA');
    const certificate = ca.issueServer('nats', { dns: ['localhost'], ip: ['127.0.0.1'] });
    const config = (name: string, tls: string) => {
      const file = join(ca.dir, `${name}.conf`);
      writeFileSync(file, `tls {\n${tls}\n}\n`);
      return file;
    };
    const serverTls = `cert_file: "${certificate.cert}"\nkey_file: "${certificate.key}"`;
    server = await NatsServerProcess.start({
      config: config('tls-only', serverTls),
      logTo: (text) => serverLog.push(text),
    });
    mutual = await NatsServerProcess.start({
      config: config('mutual', `${serverTls}\nca_file: "${ca.certificate}"\nverify: true`),
    });
    const elsewhere = ca.issueServer('elsewhere', { dns: ['nats.elsewhere.example'] });
    otherName = await NatsServerProcess.start({
      config: config('elsewhere', `cert_file: "${elsewhere.cert}"\nkey_file: "${elsewhere.key}"`),
    });
    database = await freshDatabase('tls_nats');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    await Promise.all([server?.dispose(), mutual?.dispose(), otherName?.dispose()]);
    await database?.drop();
    ca?.dispose();
    wrongCa?.dispose();
  }, 60_000);

  /** Starts the placement service on `natsUrl` with these bus TLS variables. */
  function placement(natsUrl: string, prefix: string, tls: Record<string, string>): ServiceProcess {
    const service = ServiceProcess.start('placement', {
      FEDERA_NATS_URL: natsUrl,
      FEDERA_SUBJECT_PREFIX: prefix,
      FEDERA_DATABASE_URL: database.url,
      ...tls,
    });
    started.push(service);
    return service;
  }

  const trusting = (authority: TestCertificateAuthority): NatsSecurity => ({
    tls: { caFile: authority.certificate },
  });

  itWithTls(
    'a service given the CA connects over TLS and answers on the bus',
    async () => {
      const prefix = uniquePrefix('tls');
      const service = placement(server.url, prefix, { FEDERA_NATS_TLS_CA: ca.certificate });
      const asker = await connectNats(server.url, 'tls-test', {}, trusting(ca));
      try {
        expect(asker.info?.tls_required).toBe(true);
        const report = await eventually(async () => {
          const reply = await asker.request(new Subjects(prefix).health('placement'), undefined, {
            timeout: 2_000,
          });
          return reply.json<{ ok: boolean; result: { service: string } }>();
        }, 60_000);
        expect(report).toMatchObject({ ok: true, result: { service: 'placement' } });
      } finally {
        await asker.close();
        await service.stop();
      }
    },
    90_000,
  );

  itWithTls(
    'a service given another CA refuses the server certificate and stops, naming FEDERA_NATS_TLS_CA',
    async () => {
      const service = placement(server.url, uniquePrefix('tls'), {
        FEDERA_NATS_TLS_CA: wrongCa.certificate,
      });
      expect(await service.exited).toBe(1);
      expect(service.output).toContain("refusing the server's certificate");
      expect(service.output).toContain(`the CA of FEDERA_NATS_TLS_CA (${wrongCa.certificate})`);
      // The server saw a handshake fail, not a client that spoke in clear.
      expect(serverLog.join('')).toMatch(/TLS handshake error/);
    },
    90_000,
  );

  itWithTls(
    'a service given no CA refuses the certificate of a TLS-only server, saying FEDERA_NATS_TLS_CA is not set',
    async () => {
      const service = placement(server.url, uniquePrefix('tls'), {});
      expect(await service.exited).toBe(1);
      expect(service.output).toContain("refusing the server's certificate");
      expect(service.output).toContain('FEDERA_NATS_TLS_CA is not set');
    },
    90_000,
  );

  itWithTls(
    'a client given a CA refuses a server that does not offer TLS rather than talk in clear',
    async () => {
      const refusal = await connectNats(SHARED_NATS_URL, 'tls-test', {}, trusting(ca)).catch(
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(NatsTlsRefusal);
      expect((refusal as Error).message).toContain('does not offer TLS');
    },
    30_000,
  );

  itWithTls(
    'a client refuses a certificate the CA signed for another host name',
    async () => {
      const url = `nats://localhost:${otherName.port}`;
      const refusal = await connectNats(url, 'tls-test', {}, trusting(ca)).catch(
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(NatsTlsRefusal);
      expect((refusal as NatsTlsRefusal).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    },
    30_000,
  );

  itWithTls(
    'a server that asks for client certificates lets in the client with one its CA signed',
    async () => {
      const client = ca.issueClient('client', 'federa-test-client');
      const connection = await connectNats(
        mutual.url,
        'tls-test',
        {},
        { tls: { caFile: ca.certificate, certFile: client.cert, keyFile: client.key } },
      );
      try {
        await connection.flush();
        expect(connection.info?.tls_verify).toBe(true);
      } finally {
        await connection.close();
      }
    },
    30_000,
  );

  itWithTls(
    'a server that asks for client certificates turns away a client without one, which says why',
    async () => {
      const refusal = await connectNats(mutual.url, 'tls-test', {}, trusting(ca)).catch(
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(NatsTlsRefusal);
      expect((refusal as Error).message).toContain('FEDERA_NATS_TLS_CERT is not set');
    },
    30_000,
  );

  itWithTls(
    'a server that asks for client certificates turns away one signed by another CA',
    async () => {
      const stranger = wrongCa.issueClient('stranger', 'stranger');
      const refusal = await connectNats(
        mutual.url,
        'tls-test',
        {},
        { tls: { caFile: ca.certificate, certFile: stranger.cert, keyFile: stranger.key } },
      ).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(NatsTlsRefusal);
    },
    30_000,
  );

  itWithTls(
    'a client whose TLS server is not up yet waits for it, as it does without TLS',
    async () => {
      await server.stop();
      const connecting = connectNats(server.url, 'tls-test', {}, trusting(ca));
      let settled = false;
      void connecting.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Long enough for several attempts: none of them may end the wait.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(settled).toBe(false);
      await server.restart();
      const connection = await connecting;
      try {
        expect(connection.info?.tls_required).toBe(true);
      } finally {
        await connection.close();
      }
    },
    60_000,
  );
});
