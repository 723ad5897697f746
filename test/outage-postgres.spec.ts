import { eventually, itWhen } from '@federa/testing';
import { Client } from 'pg';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';
import { expectConvergence, OutagePlane } from './outage-harness';
import { natsUrl } from './supervision-harness';

jest.setTimeout(300_000);

const unavailable = throwawayPostgresUnavailable();
/** How long Postgres stays away: about what a restart for a minor upgrade takes. */
const outageMs = 30_000;

describe('a 30 s PostgreSQL outage', () => {
  let postgres: ThrowawayPostgres;
  let plane: OutagePlane;

  beforeAll(async () => {
    if (unavailable) return;
    postgres = await ThrowawayPostgres.start();
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE federa');
    await admin.end();
    plane = await OutagePlane.start(postgres.url('federa'), natsUrl, 'outagepg');
  }, 120_000);

  afterAll(async () => {
    await plane?.close();
    postgres?.dispose();
  });

  itWhen(unavailable)(
    'answers 503 and is not ready while Postgres is away, then converges: a killed instance is replaced, a stop completes, a new deploy becomes available, and every instance runs once',
    async () => {
      await plane.deploy('alpha', 2);
      await eventually(() => plane.recorded('ServiceAvailable', 'alpha'), 90_000, 250);
      await plane.readyzTurns(200, 60_000);

      postgres.stop();
      const stoppedAt = Date.now();
      const notReady = await plane.readyzTurns(503, 30_000);
      expect(notReady.json.error.code).toBe('unavailable');
      expect(notReady.json.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ dependency: 'postgres' })]),
      );
      for (const path of ['/v1/services/alpha', '/v1/instances?service=alpha', '/v1/events']) {
        const answer = await plane.call('GET', path);
        expect({ path, status: answer.status }).toEqual({ path, status: 503 });
        expect(answer.json.error.code).toBe('unavailable');
      }
      await new Promise((resolve) => setTimeout(resolve, outageMs - (Date.now() - stoppedAt)));
      postgres.restart();

      await plane.readyzTurns(200, 120_000);
      await expectConvergence(plane);
    },
  );
});
