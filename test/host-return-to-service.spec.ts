import type { INestMicroservice } from '@nestjs/common';
import { eventually } from '@federa/testing';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const pinnedYaml = (name: string) => `
apiVersion: federa/v1
kind: Service
metadata: { name: ${name} }
spec:
  applications:
    - name: pin
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 128Mi, storage: 1Gi }
      health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }
      placement: { relocatable: false }
`;

type Instance = { id: string; app: string; host: string; state: string };

const hosts = ['r1', 'r2', 'r3', 'r4'];

/**
 * `POST /v1/hosts/{id}/uncordon` on a draining or drained host ends the drain: the host is ready
 * again, takes placements, starts no more moves and may be the new host of a replacement.
 */
describe('returning a drained or draining host to service', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;

  const instancesOf = async (service: string): Promise<Instance[]> =>
    (await plane.call('GET', `/v1/instances?service=${service}`)).json.items;
  const hostOf = async (host: string) => (await plane.call('GET', `/v1/hosts/${host}`)).json;
  const deployed = new Set<string>();
  const deploy = async (name: string): Promise<Instance> => {
    deployed.add(name);
    const put = await plane.call(
      'PUT',
      `/v1/services/${name}`,
      pinnedYaml(name),
      'application/yaml',
    );
    expect(put.status).toBe(200);
    await plane.call('POST', `/v1/services/${name}/deploy`);
    return (await eventually(
      async () => (await instancesOf(name)).find((i) => i.state === 'healthy'),
      90_000,
      200,
    ))!;
  };

  beforeAll(async () => {
    plane = await startControlPlane('host_return');
    fleet = await Fleet.start(plane, hosts);
    migration = await startMigrationService({
      ...process.env,
      FEDERA_DATABASE_URL: plane.database.url,
      FEDERA_NATS_URL: plane.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: plane.prefix,
    });
  }, 120_000);

  afterEach(async () => {
    for (const service of deployed) {
      await plane.call('POST', `/v1/services/${service}/stop`);
      await eventually(
        async () =>
          (await instancesOf(service)).every((i) => i.state === 'stopped' || i.state === 'failed'),
        90_000,
        250,
      );
    }
    deployed.clear();
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('ends a blocked drain on uncordon: the host is ready, starts no more moves and takes a new deploy', async () => {
    const pin = await deploy('held');
    expect((await plane.call('POST', `/v1/hosts/${pin.host}/drain`)).status).toBe(200);
    await eventually(
      async () =>
        (await plane.events(['HostDrainBlocked'])).find(
          (e) =>
            e.data.host === pin.host &&
            e.data.blocked.some((b: { instance: string }) => b.instance === pin.id),
        ),
      60_000,
      250,
    );

    const uncordon = await plane.call('POST', `/v1/hosts/${pin.host}/uncordon`);
    expect(uncordon.status).toBe(200);
    // Liveness comes first in the state: on a loaded machine a heartbeat may be late for a moment.
    expect(uncordon.json.cordoned).toBe(false);
    expect(uncordon.json.state).not.toBe('draining');
    await eventually(async () => (await hostOf(pin.host)).state === 'ready', 60_000, 250);
    expect(uncordon.json.drain).toMatchObject({ state: 'cancelled', blocked: [] });
    const ended = (await plane.events(['HostUncordoned'])).find((e) => e.data.host === pin.host);
    expect(ended?.data).toEqual({ host: pin.host, drainEnded: true });

    // Every other host out of placement: a new deploy can only land on the host returned to service.
    const others = hosts.filter((h) => h !== pin.host);
    for (const h of others) await plane.call('POST', `/v1/hosts/${h}/cordon`);
    try {
      const fresh = await deploy('after-return');
      expect(fresh.host).toBe(pin.host);
    } finally {
      for (const h of others) await plane.call('POST', `/v1/hosts/${h}/uncordon`);
    }

    // The drain is over: nothing moved off the host, and the pinned instance still runs there.
    const moves = (await plane.events(['MigrationStarted'])).filter(
      (e) => e.data.from === pin.host,
    );
    expect(moves).toEqual([]);
    expect((await instancesOf('held')).find((i) => i.id === pin.id)).toMatchObject({
      host: pin.host,
      state: 'healthy',
    });
    expect((await hostOf(pin.host)).drain.state).toBe('cancelled');
  }, 240_000);

  it('lets a drained host, once uncordoned, be the new host of a replacement', async () => {
    const [returning, old] = hosts.slice(2);
    expect((await plane.call('POST', `/v1/hosts/${returning}/drain`)).status).toBe(200);
    await eventually(async () => (await hostOf(returning)).state === 'drained', 60_000, 250);
    const refused = await plane.call('POST', `/v1/hosts/${old}/replace`, { with: returning });
    expect(refused.status).toBe(409);

    const back = await plane.call('POST', `/v1/hosts/${returning}/uncordon`);
    expect(back.json.drain.state).toBe('cancelled');
    await eventually(async () => (await hostOf(returning)).state === 'ready', 60_000, 250);
    const replace = await plane.call('POST', `/v1/hosts/${old}/replace`, { with: returning });
    expect(replace.status).toBe(200);
    await eventually(async () => (await hostOf(old)).state === 'retired', 60_000, 250);
  }, 180_000);
});
