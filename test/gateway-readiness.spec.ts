import {
  NatsServerProcess,
  eventually,
  itWhen,
  natsServerBinary,
  uniquePrefix,
} from '@federa/testing';
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
  gateway = await createGatewayApp({
    databaseUrl: postgres.url('federa'),
    natsUrl: nats.url,
    httpPort: 0,
    httpHost: '127.0.0.1',
    apiToken: 'unused',
    heartbeatMs: 1000,
    subjectPrefix: uniquePrefix('gwready'),
    logLevel: 'silent',
    readinessTimeoutMs: 500,
  });
}, 60_000);

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
      expect(down.body.error.details).toEqual([
        expect.objectContaining({ dependency: 'nats', status: 'down' }),
      ]);
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
});
