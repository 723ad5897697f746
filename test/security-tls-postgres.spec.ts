import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Subjects } from '@federa/contracts';
import { acceptAnyObject, openEventLogPool, PostgresEventStore } from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import {
  eventually,
  freshDatabase,
  itWhen,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { Client, type Pool } from 'pg';
import { DataSource } from 'typeorm';
import { gatewayDataSourceOptions } from '../services/gateway/src/infrastructure/database/gateway-data-source-options';
import { migrateGatewaySchema } from '../services/gateway/src/infrastructure/database/gateway-schema';
import { testEvent } from './event-log-fixture';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';
import { opensslUnavailable, TestCertificateAuthority } from './tls-certificates';
import { ServiceProcess } from './tls-service-process';

// A PostgreSQL cluster of this test's own with `ssl = on`, a certificate from a CA of the test's
// own, and only `hostssl` lines in pg_hba.conf (one of them asking user `certified` for a client
// certificate): Federa's pg pools and the gateway's TypeORM connect through FEDERA_DATABASE_URL's
// `sslmode=verify-full&sslrootcert=`, and refuse a server their CA did not sign.
const unavailable = opensslUnavailable() ?? throwawayPostgresUnavailable();
const itWithTls = itWhen(unavailable);
const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('PostgreSQL over TLS', () => {
  let ca: TestCertificateAuthority;
  let wrongCa: TestCertificateAuthority;
  let cluster: ThrowawayPostgres;
  let database: FreshDatabase;
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    if (unavailable) return;
    ca = TestCertificateAuthority.create('Federa test CA');
    wrongCa = TestCertificateAuthority.create('Some other CA');
    const server = ca.issueServer('postgres', { dns: ['localhost'], ip: ['127.0.0.1'] });
    cluster = await ThrowawayPostgres.start({
      configure: (dataDir) => {
        copyFileSync(server.cert, join(dataDir, 'server.crt'));
        copyFileSync(server.key, join(dataDir, 'server.key'));
        copyFileSync(ca.certificate, join(dataDir, 'root.crt'));
        chmodSync(join(dataDir, 'server.key'), 0o600);
        appendFileSync(
          join(dataDir, 'postgresql.conf'),
          "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nssl_ca_file = 'root.crt'\n",
        );
        writeFileSync(
          join(dataDir, 'pg_hba.conf'),
          [
            'local all all trust',
            'hostssl all certified 127.0.0.1/32 cert',
            'hostssl all all 127.0.0.1/32 trust',
            '',
          ].join('\n'),
        );
        if (userInfo().uid === 0) {
          const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
          const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
          for (const file of ['server.crt', 'server.key', 'root.crt', 'pg_hba.conf'])
            chownSync(join(dataDir, file), uid, gid);
        }
      },
    });
    database = await freshDatabase('tls_pg', verified(cluster.url()));
    const admin = new Client({ connectionString: verified(cluster.url()) });
    await admin.connect();
    await admin.query('CREATE ROLE certified LOGIN');
    await admin.end();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    await database?.drop();
    cluster?.dispose();
    ca?.dispose();
    wrongCa?.dispose();
  }, 60_000);

  /** `url` with `sslmode=verify-full` and the test's CA as its root certificate. */
  function verified(url: string): string {
    return `${url}?sslmode=verify-full&sslrootcert=${ca.certificate}`;
  }

  /** The database of this test, as user `user`, with these URL parameters. */
  function databaseUrl(parameters: string, user = 'postgres'): string {
    const url = new URL(database.url);
    url.username = user;
    url.search = '';
    return `${url.toString()}?${parameters}`;
  }

  async function encrypted(pool: Pool | DataSource): Promise<boolean> {
    const rows: { ssl: boolean }[] =
      pool instanceof DataSource
        ? await pool.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
        : (await pool.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows;
    return rows[0].ssl;
  }

  itWithTls(
    'the event store connects with verify-full and the CA, over TLS, and appends',
    async () => {
      const url = databaseUrl(`sslmode=verify-full&sslrootcert=${ca.certificate}`);
      const pool = await openEventLogPool(url, { service: 'tls-test' });
      try {
        expect(await encrypted(pool)).toBe(true);
        const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
        const appended = await store.append('host-tls', 'no-stream', [
          testEvent('HostRegistered', { host: 'tls' }),
        ]);
        expect(appended.nextExpectedVersion).toBe(1);
      } finally {
        await pool.end();
      }
    },
    60_000,
  );

  itWithTls(
    "the gateway's TypeORM connection migrates its schema over TLS with verify-full and the CA",
    async () => {
      const url = databaseUrl(`sslmode=verify-full&sslrootcert=${ca.certificate}`);
      const dataSource = await new DataSource(gatewayDataSourceOptions(url, 1)).initialize();
      try {
        await migrateGatewaySchema(dataSource);
        expect(await encrypted(dataSource)).toBe(true);
        const tables: unknown[] = await dataSource.query(
          "SELECT 1 FROM information_schema.tables WHERE table_schema = 'gateway'",
        );
        expect(tables.length).toBeGreaterThan(0);
      } finally {
        await dataSource.destroy();
      }
    },
    60_000,
  );

  itWithTls(
    'the event store refuses a server whose certificate another CA signed',
    async () => {
      const url = databaseUrl(`sslmode=verify-full&sslrootcert=${wrongCa.certificate}`);
      await expect(openEventLogPool(url, { service: 'tls-test' })).rejects.toMatchObject({
        code: expect.stringMatching(
          /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/,
        ),
      });
    },
    60_000,
  );

  itWithTls(
    "the gateway's TypeORM connection refuses a server whose certificate another CA signed",
    async () => {
      const url = databaseUrl(`sslmode=verify-full&sslrootcert=${wrongCa.certificate}`);
      await expect(
        new DataSource(gatewayDataSourceOptions(url, 1)).initialize(),
      ).rejects.toMatchObject({
        code: expect.stringMatching(
          /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/,
        ),
      });
    },
    60_000,
  );

  itWithTls(
    'the server refuses a connection without TLS (sslmode=disable): pg_hba.conf has hostssl lines only',
    async () => {
      await expect(
        openEventLogPool(databaseUrl('sslmode=disable'), { service: 'tls-test' }),
      ).rejects.toThrow(/no pg_hba\.conf entry .*no encryption/);
    },
    60_000,
  );

  itWithTls(
    'a server that asks for a client certificate lets in the user it names (sslcert, sslkey)',
    async () => {
      const client = ca.issueClient('certified', 'certified');
      const url = databaseUrl(
        `sslmode=verify-full&sslrootcert=${ca.certificate}&sslcert=${client.cert}&sslkey=${client.key}`,
        'certified',
      );
      const connection = new Client({ connectionString: url });
      await connection.connect();
      try {
        const { rows } = await connection.query('SELECT current_user AS who');
        expect(rows[0].who).toBe('certified');
      } finally {
        await connection.end();
      }
      const without = new Client({
        connectionString: databaseUrl(
          `sslmode=verify-full&sslrootcert=${ca.certificate}`,
          'certified',
        ),
      });
      await expect(without.connect()).rejects.toThrow(/certificate/);
    },
    60_000,
  );

  itWithTls(
    'a service given FEDERA_DATABASE_URL with verify-full and the CA starts and answers',
    async () => {
      const prefix = uniquePrefix('tlspg');
      const service = ServiceProcess.start('placement', {
        FEDERA_DATABASE_URL: databaseUrl(`sslmode=verify-full&sslrootcert=${ca.certificate}`),
        FEDERA_NATS_URL: NATS_URL,
        FEDERA_SUBJECT_PREFIX: prefix,
      });
      started.push(service);
      const asker = await connectNats(NATS_URL, 'tls-test', {}, {});
      try {
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
    'a service given another CA stops at start with the certificate error',
    async () => {
      const service = ServiceProcess.start('placement', {
        FEDERA_DATABASE_URL: databaseUrl(`sslmode=verify-full&sslrootcert=${wrongCa.certificate}`),
        FEDERA_NATS_URL: NATS_URL,
        FEDERA_SUBJECT_PREFIX: uniquePrefix('tlspg'),
      });
      started.push(service);
      expect(await service.exited).toBe(1);
      expect(service.output).toMatch(
        /self-signed certificate|unable to verify the first certificate/,
      );
    },
    90_000,
  );

  itWithTls(
    'a service whose sslrootcert cannot be read stops at start naming FEDERA_DATABASE_URL',
    async () => {
      const service = ServiceProcess.start('placement', {
        FEDERA_DATABASE_URL: databaseUrl(
          `sslmode=verify-full&sslrootcert=${join(ca.dir, 'missing.pem')}`,
        ),
        FEDERA_NATS_URL: NATS_URL,
        FEDERA_SUBJECT_PREFIX: uniquePrefix('tlspg'),
      });
      started.push(service);
      expect(await service.exited).toBe(1);
      expect(service.output).toContain(
        'FEDERA_DATABASE_URL: sslrootcert must name a readable file',
      );
    },
    90_000,
  );
});
