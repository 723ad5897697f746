import { itWhen } from '@federa/testing';
import { Client } from 'pg';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from '../gateway-throwaway-postgres';
import { closeEach } from './bounded-close';
import { deleteStreamsOf } from './jetstream-cleanup';
import { OutagePlane } from '../outage-harness';
import { natsUrl } from '../supervision-harness';
import { WorkInFlight } from './work-in-flight';

// Worst case 600 s: the cluster's and the plane's start (hook, 120 s), the scenario (420 s: alpha
// available, the 30 s outage, readiness back, the drain's moves' end, the convergence and the
// invariants, each wait bounded on its own, the whole by jest) and the close (hook, 30 s + 10 s + the
// cluster's stop). Not retried (test/retry-once.ts). Typically about 50 s for the scenario, 2 to 3 min
// with the hooks, under load.
jest.setTimeout(420_000);

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

  // Every step runs whatever the one before did: the plane runs on the shared NATS, so its streams
  // are deleted by its prefix; the throwaway cluster goes last.
  afterAll(
    () =>
      closeEach([
        ['the plane', () => plane?.close()],
        ['its JetStream streams', () => plane && deleteStreamsOf(natsUrl, plane.prefix), 10_000],
        ['the throwaway PostgreSQL cluster', () => postgres?.dispose(), 10_000],
      ]),
    60_000,
  );

  itWhen(unavailable)(
    'answers 503 and is not ready while Postgres is away, then ends every move of the drain it was given with the host drained and the deploy, converges (a killed instance replaced, a stop completed, a new deploy available, every instance once) and keeps every fault invariant',
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
      // A Postgres outage loses no agent command: the drain must end with the host drained.
      process.stdout.write(`the drain: ${await work.settle()}\n`);
    },
  );
});
