import {
  NatsServerProcess,
  eventually,
  itWhen,
  natsServerBinary,
  uniquePrefix,
} from '@federa/testing';
import { Subjects, type ServiceHealthReport } from '@federa/contracts';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';

jest.setTimeout(60_000);

const unavailable =
  throwawayPostgresUnavailable() ??
  (natsServerBinary() ? undefined : 'nats-server is not installed');

let nats: NatsServerProcess;
let postgres: ThrowawayPostgres;
let gateway: GatewayApp;
let prefix: string;

interface ReadyAnswer {
  status: number;
  body: { error: { code: string; message: string; details: unknown[] } };
}

async function readyz(): Promise<ReadyAnswer> {
  const response = await fetch(`${gateway.url}/readyz`);
  return { status: response.status, body: (await response.json()) as ReadyAnswer['body'] };
}

/** Polls /readyz until it answers `status`, and answers that reply. */
async function readyzTurns(status: number, timeoutMs = 20_000): Promise<ReadyAnswer> {
  let last: ReadyAnswer | undefined;
  await eventually(async () => {
    last = await readyz();
    return last.status === status;
  }, timeoutMs);
  return last as ReadyAnswer;
}

beforeAll(async () => {
  if (unavailable) return;
  [nats, postgres] = await Promise.all([NatsServerProcess.start(), ThrowawayPostgres.start()]);
  const admin = new Client({ connectionString: postgres.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE federa');
  await admin.end();
  prefix = uniquePrefix('gwready');
  gateway = await createGatewayApp({
    databaseUrl: postgres.url('federa'),
    natsUrl: nats.url,
    httpPort: 0,
    httpHost: '127.0.0.1',
    apiToken: 'unused',
    heartbeatMs: 1000,
    subjectPrefix: prefix,
    logLevel: 'silent',
    readinessTimeoutMs: 500,
    // The backend services of this test are stand-ins answering pings as the test says (statistics
    // answers none unless a test starts one).
    readinessServices: ['placement', 'statistics'],
  });
}, 60_000);

/** Answers `service`'s health pings with `report`, as a replica of it would, until stopped. */
async function standInPlacement(
  report: ServiceHealthReport,
  service = 'placement',
): Promise<NatsConnection> {
  const nc = await connect({
    servers: nats.url,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  nc.subscribe(new Subjects(prefix).health(service), {
    callback: (_error, msg) => msg.respond(JSONCodec().encode({ ok: true, result: report })),
  });
  await nc.flush();
  return nc;
}

const ready: ServiceHealthReport = {
  service: 'placement',
  ready: true,
  checks: [{ dependency: 'postgres', up: true }],
};
let placement: NatsConnection | undefined;

beforeEach(async () => {
  if (!unavailable) placement = await standInPlacement(ready);
});

afterEach(async () => {
  await placement?.close();
});

afterAll(async () => {
  await gateway?.close();
  await nats?.dispose();
  postgres?.dispose();
});

describe('gateway readiness', () => {
  itWhen(unavailable)(
    'turns 503 naming NATS while NATS is stopped and 200 once it is back',
    async () => {
      expect((await readyz()).status).toBe(200);
      await nats.stop();
      const down = await readyzTurns(503);
      expect(down.body.error.code).toBe('unavailable');
      // Without NATS no backend service can answer its ping either.
      expect(down.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ dependency: 'nats', status: 'down' })]),
      );
      await nats.restart();
      await readyzTurns(200);
    },
  );

  itWhen(unavailable)(
    'turns 503 naming Postgres while Postgres is stopped and 200 once it is back',
    async () => {
      expect((await readyz()).status).toBe(200);
      postgres.stop();
      const down = await readyzTurns(503);
      expect(down.body.error.code).toBe('unavailable');
      expect(down.body.error.message).toContain('postgres is down');
      expect(down.body.error.details).toEqual([
        expect.objectContaining({ dependency: 'postgres', status: 'down' }),
      ]);
      postgres.restart();
      await readyzTurns(200);
    },
  );

  itWhen(unavailable)(
    'refuses /v1 calls with 503 while Postgres cannot check the token',
    async () => {
      postgres.stop();
      try {
        const response = await fetch(`${gateway.url}/v1/tokens`, {
          headers: { authorization: 'Bearer some-stored-token' },
        });
        expect(response.status).toBe(503);
        expect(((await response.json()) as ReadyAnswer['body']).error.code).toBe('unavailable');
      } finally {
        postgres.restart();
      }
      await readyzTurns(200);
    },
  );

  itWhen(unavailable)(
    'turns 503 naming a backend service that does not answer its health ping, or answers it is not ready',
    async () => {
      expect((await readyz()).status).toBe(200);
      await placement?.close();
      const silent = await readyzTurns(503);
      expect(silent.body.error.details).toEqual([
        expect.objectContaining({
          dependency: 'placement',
          status: 'down',
          reason: 'no replica answers its health ping',
        }),
      ]);
      placement = await standInPlacement({
        service: 'placement',
        ready: false,
        checks: [{ dependency: 'log-subscription', up: false, reason: 'replaying' }],
      });
      const notReady = await readyzTurns(503);
      expect(notReady.body.error.details).toEqual([
        expect.objectContaining({
          dependency: 'placement',
          reason: 'not ready: log-subscription (replaying)',
        }),
      ]);
      await placement.close();
      placement = await standInPlacement(ready);
      await readyzTurns(200);
    },
  );

  itWhen(unavailable)(
    'stays ready while statistics is silent or not ready, reporting it as degraded',
    async () => {
      const silent = await fetch(`${gateway.url}/readyz`);
      expect(silent.status).toBe(200);
      expect(((await silent.json()) as { checks: Record<string, string> }).checks).toEqual(
        expect.objectContaining({ placement: 'up', statistics: 'degraded' }),
      );
      const statistics = await standInPlacement(
        {
          service: 'statistics',
          ready: false,
          checks: [{ dependency: 'event-stream', up: false, reason: 'stream sequence 7: boom' }],
        },
        'statistics',
      );
      try {
        const stuck = await fetch(`${gateway.url}/readyz`);
        expect(stuck.status).toBe(200);
        expect(((await stuck.json()) as { checks: Record<string, string> }).checks.statistics).toBe(
          'degraded',
        );
      } finally {
        await statistics.close();
      }
    },
  );

  itWhen(unavailable)(
    'answers 503 in the error format, never 500, for a read of the log while Postgres is stopped',
    async () => {
      postgres.stop();
      try {
        const response = await fetch(`${gateway.url}/v1/events`, {
          headers: { authorization: 'Bearer unused' },
        });
        const body = (await response.json()) as ReadyAnswer['body'];
        expect(response.status).toBe(503);
        expect(body.error.code).toBe('unavailable');
        expect(body.error.message).toContain('postgres is unavailable');
        expect(body.error.details).toEqual([expect.objectContaining({ backend: 'postgres' })]);
      } finally {
        postgres.restart();
      }
      await readyzTurns(200);
    },
  );
});
