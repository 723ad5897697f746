import { itWhen } from '@federa/testing';
import { Client } from 'pg';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from '../gateway-throwaway-postgres';
import { closeWithin } from './bounded-close';
import { OutagePlane } from '../outage-harness';
import { natsUrl } from '../supervision-harness';
import { WorkInFlight } from './work-in-flight';

// Worst case: the cluster's and the plane's start (120 s), alpha available (90 s), the 30 s outage,
// readiness back (120 s), the drain's moves' end (180 s), the convergence's waits and the invariants' (90 s):
// bounded by jest's 480 s below; it takes about a minute when nothing is wrong.
jest.setTimeout(480_000);

const unavailable = throwawayPostgresUnavailable();
/** How long Postgres stays away: about what a restart for a minor upgrade takes. */
const outageMs = 30_000;

describe('PostgreSQL restarted after 30 s away, mid-drain and mid-deploy', () => {
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
    if (plane) await closeWithin('the plane', () => plane.close());
    postgres?.dispose();
  });

  itWhen(unavailable)(
    'answers 503 and is not ready while Postgres is away, then ends every move of the drain it was given (the host drained, or waiting for the operator with what stayed and why) and the deploy, converges (a killed instance replaced, a stop completed, a new deploy available, every instance once) and keeps every fault invariant',
    async () => {
      const work = new WorkInFlight(plane);
      await work.deployAlpha();
      await plane.readyzTurns(200, 60_000);
      await work.begin();

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
      process.stdout.write(`the drain: ${await work.settle()}\n`);
    },
  );
});
