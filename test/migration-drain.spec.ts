import type { INestMicroservice } from '@nestjs/common';
import { eventually } from '@federa/testing';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const app = (name: string, extra = '') => `
    - name: ${name}
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 128Mi, storage: 1Gi }
      health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }${extra}`;

const frontYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: front }
spec:
  applications:${app('web', '\n      replicas: { min: 2, max: 2 }')}
  rules:
    - antiAffinity: [web]
`;

const pinnedYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: pinned }
spec:
  applications:${app('pin-a', '\n      placement: { relocatable: false }')}${app(
    'pin-b',
    '\n      placement: { relocatable: false }',
  )}
  rules:
    - antiAffinity: [pin-a, pin-b]
`;

const vaultYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: vault }
spec:
  applications:${app('kv', '\n      data: { path: data }')}
`;

type Instance = { id: string; app: string; host: string; state: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers and event data of several shapes, checked by the expectations
type Json = any;

const hosts = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];

/**
 * Drains and replacements with the migration service in this process beside supervision, placement,
 * inventory and real agents (process layer): a drain evacuates its host through migrations, lists
 * what cannot move and ends at its deadline; a replacement moves everything with its data to the
 * named host and retires the old one.
 */
describe('draining and replacing hosts', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;
  const migrationEnv = () => ({
    ...process.env,
    FEDERA_DATABASE_URL: plane.database.url,
    FEDERA_NATS_URL: plane.settings.natsUrl,
    FEDERA_SUBJECT_PREFIX: plane.prefix,
  });

  const instancesOf = async (service: string): Promise<Instance[]> =>
    (await plane.call('GET', `/v1/instances?service=${service}`)).json.items;
  const hostState = async (host: string): Promise<string> =>
    (await plane.call('GET', `/v1/hosts/${host}`)).json.state;
  const eventOf = async (type: string, host: string): Promise<Json> =>
    (await plane.events([type])).find((e) => e.data.host === host);
  const deploy = async (name: string, yaml: string, healthy: number): Promise<Instance[]> => {
    expect((await plane.call('PUT', `/v1/services/${name}`, yaml, 'application/yaml')).status).toBe(
      200,
    );
    await plane.call('POST', `/v1/services/${name}/deploy`);
    return (await eventually(
      async () => {
        const all = await instancesOf(name);
        return all.filter((i) => i.state === 'healthy').length === healthy ? all : undefined;
      },
      90_000,
      200,
    ))!;
  };

  beforeAll(async () => {
    plane = await startControlPlane('migration_drain');
    fleet = await Fleet.start(plane, hosts);
    migration = await startMigrationService(migrationEnv());
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('drains a host carrying one of two web replicas while the service is available and the moving replica answers at every read', async () => {
    const [web] = await deploy('front', frontYaml, 2);
    await eventually(
      async () => (await plane.call('GET', '/v1/services/front')).json.state === 'available',
      60_000,
    );
    const before = (await plane.events()).at(-1)?.position ?? 0;
    let reads = 0;
    const unanswered: string[] = [];
    const notAvailable: string[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        // Whichever copy the log names answers: the source until the target is verified, then the target.
        const now = (await instancesOf('front')).find((i) => i.id === web.id)!;
        const ok = await fetch(`http://127.0.0.1:${fleet.portOf(now.host, now.id)}/healthz`)
          .then((r) => r.ok)
          .catch(() => false);
        const service = (await plane.call('GET', '/v1/services/front')).json.state;
        reads += 1;
        if (!ok) unanswered.push(`${now.host} ${now.state}`);
        if (service !== 'available') notAvailable.push(`${service} (${now.host} ${now.state})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      expect((await plane.call('POST', `/v1/hosts/${web.host}/drain`)).status).toBe(200);
      await eventually(async () => (await hostState(web.host)) === 'drained', 120_000, 250);
    } finally {
      reading = false;
      await reader;
    }
    expect(reads).toBeGreaterThan(0);
    expect(unanswered).toEqual([]);
    expect(notAvailable).toEqual([]);
    const health = (await plane.events(['ServiceDegraded', 'ServiceFailed'])).filter(
      (e) => e.position > before && e.data.service === 'front',
    );
    expect(health).toEqual([]);
    expect((await instancesOf('front')).filter((i) => i.host === web.host)).toEqual([]);
    expect(await eventOf('HostDrained', web.host)).toMatchObject({
      data: { evacuated: [web.id], notRelocatable: [] },
    });
    const moved = (await plane.events(['MigrationStarted'])).find(
      (e) => e.data.instance === web.id,
    );
    expect(moved?.data).toMatchObject({ from: web.host, reason: 'drain', live: false });
    await eventually(
      async () => (await plane.call('GET', '/v1/services/front')).json.state === 'available',
      30_000,
    );
  }, 180_000);

  it('lists a non-relocatable instance as blocking the drain, which waits for the operator', async () => {
    const pinned = await deploy('pinned', pinnedYaml, 2);
    const pinA = pinned.find((i) => i.app === 'pin-a')!;
    expect((await plane.call('POST', `/v1/hosts/${pinA.host}/drain`)).status).toBe(200);
    const entry = { instance: pinA.id, service: 'pinned', app: 'pin-a', reason: 'not relocatable' };
    const blocked = await eventually(
      async () =>
        (await plane.events(['HostDrainBlocked'])).find(
          (e) =>
            e.data.host === pinA.host && e.data.blocked.some((b: Json) => b.instance === pinA.id),
        ),
      60_000,
      250,
    );
    expect(blocked!.data.blocked).toContainEqual(entry);
    expect(await hostState(pinA.host)).toBe('draining');
    expect(await eventOf('HostDrained', pinA.host)).toBeUndefined();
  }, 120_000);

  it('ends a blocked drain at its deadline listing what stayed, and kills nothing', async () => {
    const pinB = (await instancesOf('pinned')).find((i) => i.app === 'pin-b')!;
    const drain = await plane.call('POST', `/v1/hosts/${pinB.host}/drain`, { deadlineMs: 1000 });
    expect(drain.status).toBe(200);
    const timedOut = await eventually(() => eventOf('HostDrainTimedOut', pinB.host), 60_000, 250);
    // Another instance of the host may still be moving at the deadline: it is listed as moving.
    expect(timedOut.data.remaining).toContainEqual({
      instance: pinB.id,
      service: 'pinned',
      app: 'pin-b',
      reason: 'not relocatable',
    });
    const started = await eventOf('HostDrainStarted', pinB.host);
    expect(started.data.deadlineAt).toEqual(expect.any(String));
    const still = (await instancesOf('pinned')).find((i) => i.id === pinB.id)!;
    expect(still).toMatchObject({ host: pinB.host, state: 'healthy' });
  }, 120_000);

  it('replaces a host: the data written on the old host is read on the new one, and the old host retires', async () => {
    // Two web replicas that may not share a host would leave no host to replace theirs with.
    await plane.call('POST', '/v1/services/front/stop');
    await eventually(
      async () =>
        (await instancesOf('front')).every((i) => i.state === 'stopped' || i.state === 'failed'),
      60_000,
      250,
    );
    const [kv] = await deploy('vault', vaultYaml, 1);
    const ready: string[] = [];
    for (const host of hosts) if ((await hostState(host)) === 'ready') ready.push(host);
    const target = ready.find((h) => h !== kv.host)!;
    expect(target).toBeDefined();
    const put = await fetch(`http://127.0.0.1:${fleet.portOf(kv.host, kv.id)}/kv/answer`, {
      method: 'PUT',
      body: 'forty-two',
    });
    expect(put.status).toBe(200);

    const replace = await plane.call('POST', `/v1/hosts/${kv.host}/replace`, { with: target });
    expect(replace.status).toBe(200);
    await eventually(async () => (await hostState(kv.host)) === 'retired', 120_000, 250);

    const moved = (await eventually(async () => {
      const i = (await instancesOf('vault')).find((x) => x.id === kv.id);
      return i?.host === target && i.state === 'healthy' ? i : undefined;
    }, 30_000))!;
    const read = await fetch(`http://127.0.0.1:${fleet.portOf(target, moved.id)}/kv/answer`);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('forty-two');
    expect(await eventOf('HostDrained', kv.host)).toMatchObject({
      data: { evacuated: [kv.id], notRelocatable: [] },
    });
  }, 180_000);

  it('refuses a replacement by a host that cannot take placements, naming with', async () => {
    const draining = (await instancesOf('pinned')).find((i) => i.app === 'pin-a')!.host;
    const ready: string[] = [];
    for (const host of hosts) if ((await hostState(host)) === 'ready') ready.push(host);
    const answer = await plane.call('POST', `/v1/hosts/${ready[0]}/replace`, { with: draining });
    expect(answer.status).toBe(409);
    expect(answer.json.error.details).toEqual([
      { path: 'with', reason: `host ${draining} is draining` },
    ]);
    const itself = await plane.call('POST', `/v1/hosts/${ready[0]}/replace`, { with: ready[0] });
    expect(itself.status).toBe(400);
    expect(itself.json.error.details).toEqual([expect.objectContaining({ path: 'with' })]);
  }, 60_000);

  it('goes on with a drain recorded while no migration replica ran, once one starts', async () => {
    const kv = (await instancesOf('vault')).find((i) => i.state === 'healthy')!;
    await migration.close();
    migration = undefined as unknown as INestMicroservice;
    expect((await plane.call('POST', `/v1/hosts/${kv.host}/drain`)).status).toBe(200);
    migration = await startMigrationService(migrationEnv());
    await eventually(async () => (await hostState(kv.host)) === 'drained', 120_000, 250);

    const moved = (await eventually(async () => {
      const i = (await instancesOf('vault')).find((x) => x.id === kv.id);
      return i && i.host !== kv.host && i.state === 'healthy' ? i : undefined;
    }, 30_000))!;
    const read = await fetch(`http://127.0.0.1:${fleet.portOf(moved.host, moved.id)}/kv/answer`);
    expect(await read.text()).toBe('forty-two');
  }, 180_000);
});
