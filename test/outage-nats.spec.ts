import {
  eventually,
  freshDatabase,
  itWhen,
  NatsServerProcess,
  natsServerBinary,
  type FreshDatabase,
} from '@federa/testing';
import { expectConvergence, OutagePlane } from './outage-harness';

jest.setTimeout(300_000);

const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';
/**
 * How long NATS stays away: the 30 s the issue asks either backend's outage to survive, shorter than
 * the hosts' down threshold (the harness's 60 s), so no host is declared down.
 */
const outageMs = 30_000;

describe('a 30 s NATS outage', () => {
  let nats: NatsServerProcess;
  let database: FreshDatabase;
  let plane: OutagePlane;

  beforeAll(async () => {
    if (unavailable) return;
    [nats, database] = await Promise.all([NatsServerProcess.start(), freshDatabase('outage_nats')]);
    plane = await OutagePlane.start(database.url, nats.url, 'outagenats');
  }, 120_000);

  afterAll(async () => {
    await plane?.close();
    await nats?.dispose();
    await database?.drop();
  });

  itWhen(unavailable)(
    'answers 503 and is not ready while NATS is away, then converges: a killed instance is replaced, a stop completes, a new deploy becomes available, and every instance runs once',
    async () => {
      await plane.deploy('alpha', 2);
      await eventually(() => plane.recorded('ServiceAvailable', 'alpha'), 90_000, 250);
      await plane.readyzTurns(200, 60_000);

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
      await expectConvergence(plane);
    },
  );
});
