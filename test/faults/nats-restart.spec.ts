import {
  freshDatabase,
  itWhen,
  NatsServerProcess,
  natsServerBinary,
  type FreshDatabase,
} from '@federa/testing';
import { closeEach } from './bounded-close';
import { OutagePlane } from '../outage-harness';
import { WorkInFlight } from './work-in-flight';

// Worst case 600 s: the plane's start (hook, 120 s), the scenario (420 s: alpha available, the 30 s
// outage, readiness back, the drain's moves' end, the convergence and the invariants, each wait bounded
// on its own, the whole by jest) and the close (hook, 30 s + 10 s + 10 s bounded steps). Not retried
// (test/retry-once.ts). Typically 50 to 130 s for the scenario, 2 to 4 min with the hooks, under load.
jest.setTimeout(420_000);

const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';
/**
 * How long NATS stays away: the 30 s the issue asks either backend's outage to survive, shorter than
 * the hosts' down threshold (the harness's 60 s), so no host is declared down.
 */
const outageMs = 30_000;
/**
 * The one blocked drain this scenario accepts (docs/RELIABILITY.md, known problems): a move whose
 * agent command the outage swallowed, rolled back because the agent did not answer or its outcome
 * never came. Drains move such an instance again with backoff; the drain is still blocked if every
 * attempt met the same end, so the scenario accepts it for this cause only.
 */
const lostToTheOutage =
  /^its move was rolled back \(migration \S+\): ([a-z-]+: )?(agent \S+ did not answer \S+: |\S+ on \S+: no outcome in \d+ ms)/;

describe('NATS restarted after 30 s away, mid-drain and mid-deploy', () => {
  let nats: NatsServerProcess;
  let database: FreshDatabase;
  let plane: OutagePlane;

  beforeAll(async () => {
    if (unavailable) return;
    [nats, database] = await Promise.all([NatsServerProcess.start(), freshDatabase('outage_nats')]);
    plane = await OutagePlane.start(database.url, nats.url, 'outagenats');
  }, 120_000);

  // Every step runs whatever the one before did; the NATS server is this file's own, its streams go with it.
  afterAll(
    () =>
      closeEach([
        ['the plane', () => plane?.close()],
        ['the NATS server', () => nats?.dispose(), 10_000],
        ['the database', () => database?.drop(), 10_000],
      ]),
    60_000,
  );

  itWhen(unavailable)(
    'answers 503 and is not ready while NATS is away, then ends every move of the drain it was given (the host drained, or waiting for the operator with what stayed and why) and the deploy, converges (a killed instance replaced, a stop completed, a new deploy available, every instance once) and keeps every fault invariant',
    async () => {
      const work = new WorkInFlight(plane);
      await work.deployAlpha();
      await plane.readyzTurns(200, 60_000);
      await work.begin();

      await nats.stop();
      const stoppedAt = Date.now();
      const notReady = await plane.readyzTurns(503, 30_000);
      expect(notReady.json.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ dependency: 'nats' })]),
      );
      const answer = await plane.call('GET', '/v1/services/alpha');
      expect(answer.status).toBe(503);
      expect(answer.json.error.code).toBe('unavailable');
      await new Promise((resolve) => setTimeout(resolve, outageMs - (Date.now() - stoppedAt)));
      await nats.restart();

      await plane.readyzTurns(200, 120_000);
      process.stdout.write(`the drain: ${await work.settle(lostToTheOutage)}\n`);
    },
  );
});
