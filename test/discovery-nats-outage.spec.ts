import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceEndpoints, Subjects, validatePayload } from '@federa/contracts';
import { eventually, itWhen, NatsServerProcess, natsServerBinary } from '@federa/testing';
import { connect, type NatsConnection } from 'nats';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

jest.setTimeout(180_000);

const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';

/** One application, placed on the one host: the service's key is that host's. */
const soloSpec = {
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name: 'solo' },
  spec: {
    applications: [
      {
        name: 'clock',
        layer: 'process',
        artifact: { command: ['node', 'examples/apps/kv-store.js'] },
        resources: { cpu: '100m', memory: '64Mi' },
      },
    ],
  },
};

/** The key's value, validated; undefined while absent or unreachable. */
async function heldOn(
  url: string,
  bucket: string,
  key: string,
): Promise<ServiceEndpoints | undefined> {
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: url, timeout: 2000 });
    const kv = await nc.jetstream().views.kv(bucket, { history: 1, bindOnly: true });
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const value = validatePayload(ServiceEndpoints, entry.json());
    return value.ok ? value.value : undefined;
  } catch {
    return undefined;
  } finally {
    await nc?.close();
  }
}

describe('the discovery bucket across a NATS outage', () => {
  let nats: NatsServerProcess;
  let plane: ControlPlane;
  let fleet: Fleet;

  beforeAll(async () => {
    if (unavailable) return;
    nats = await NatsServerProcess.start();
    // At 250 ms a tick, supervision's own periodic reread of the bucket comes after a minute: within
    // the deadline below, only the reconnect can bring the key back.
    plane = await startControlPlane('disco_outage', { tickMs: 250 }, { natsUrl: nats.url });
    // The host outlives the outage: its instance stays where it is, and so does its key.
    fleet = await Fleet.start(plane, ['o1'], { downAfterMs: 120_000 });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
    await nats?.dispose();
  });

  itWhen(unavailable)(
    'is written again by supervision once NATS is back, even when the server lost its store',
    async () => {
      const bucket = new Subjects(plane.prefix).discoveryBucket;
      expect((await plane.call('PUT', '/v1/services/solo', soloSpec)).status).toBe(200);
      expect((await plane.call('POST', '/v1/services/solo/deploy')).status).toBe(202);
      const before = (await eventually(
        () => heldOn(nats.url, bucket, 'o1.solo'),
        60_000,
        250,
      )) as ServiceEndpoints;
      expect(before.applications.map((a) => a.name)).toEqual(['clock']);

      await nats.stop();
      // The server comes back without its JetStream store: the bucket is gone with it.
      rmSync(join(nats.storeDir, 'jetstream'), { recursive: true, force: true });
      // The plane has seen NATS go (its readiness says so) before the server comes back.
      await eventually(
        async () => (await plane.call('GET', '/readyz')).status === 503,
        30_000,
        100,
      );
      await nats.restart();

      const after = (await eventually(
        () => heldOn(nats.url, bucket, 'o1.solo'),
        45_000,
        500,
      )) as ServiceEndpoints;
      expect(after.applications.map((a) => a.name)).toEqual(['clock']);
      expect(after.version).toBeGreaterThanOrEqual(before.version);
    },
  );
});
