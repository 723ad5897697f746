import type { INestMicroservice } from '@nestjs/common';
import {
  evolveInstanceLife,
  initialInstanceLife,
  isInstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
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

/** A service of one non-relocatable application. */
const pinnedYaml = (name: string) => `
apiVersion: federa/v1
kind: Service
metadata: { name: ${name} }
spec:
  applications:${app('pin', '\n      placement: { relocatable: false }')}
`;

/** A service of one application with data, `min` to `max` replicas. */
const dataYaml = (name: string, min = 1, max = min) => `
apiVersion: federa/v1
kind: Service
metadata: { name: ${name} }
spec:
  applications:${app('kv', `\n      data: { path: data }\n      replicas: { min: ${min}, max: ${max} }`)}
`;

type Instance = { id: string; app: string; host: string; state: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers and event data of several shapes, checked by the expectations
type Json = any;

// Every test drains, retires or cordons hosts of its own: enough for each to find ready ones.
const hosts = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10'];

/**
 * Drains and replacements with the migration service in this process beside supervision, placement,
 * inventory and real agents (process layer): a drain evacuates its host through migrations, lists
 * what cannot move and ends at its deadline; a replacement moves everything with its data to the
 * named host and retires the old one. Each test deploys its own services and stops them at its end,
 * so that none depends on what another left.
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
  /** The services the running test deployed: stopped after it, whatever its outcome. */
  const deployed = new Set<string>();
  const deploy = async (name: string, yaml: string, healthy: number): Promise<Instance[]> => {
    deployed.add(name);
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

  const readyHosts = async (): Promise<string[]> => {
    const ready: string[] = [];
    for (const host of hosts) if ((await hostState(host)) === 'ready') ready.push(host);
    return ready;
  };
  /** Stops the service and waits until none of its instances runs any more. */
  const stop = async (service: string): Promise<void> => {
    await plane.call('POST', `/v1/services/${service}/stop`);
    await eventually(
      async () =>
        (await instancesOf(service)).every((i) => i.state === 'stopped' || i.state === 'failed'),
      90_000,
      250,
    );
  };

  afterEach(async () => {
    for (const service of deployed) await stop(service);
    deployed.clear();
  }, 120_000);

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
  }, 240_000);

  it('moves one replica with data at a time and never takes the application below replicas.min healthy', async () => {
    // Three replicas on two hosts, so that the drained host carries at least two of them.
    const ready = await readyHosts();
    const spare = ready.slice(2);
    for (const host of spare) await plane.call('POST', `/v1/hosts/${host}/cordon`);
    let replicas: Instance[];
    try {
      replicas = await deploy('ledger', dataYaml('ledger', 3), 3);
    } finally {
      for (const host of spare) await plane.call('POST', `/v1/hosts/${host}/uncordon`);
    }
    // replicas.min 2 of the 3 running: the budget allows one of them away at a time.
    const updated = await plane.call(
      'PUT',
      '/v1/services/ledger',
      dataYaml('ledger', 2, 3),
      'application/yaml',
    );
    expect(updated.status).toBe(200);
    const drained = ready
      .slice(0, 2)
      .find((host) => replicas.filter((i) => i.host === host).length >= 2)!;
    const leaving = replicas.filter((i) => i.host === drained).map((i) => i.id);
    expect(leaving.length).toBeGreaterThanOrEqual(2);
    expect((await instancesOf('ledger')).filter((i) => i.state === 'healthy')).toHaveLength(3);

    expect((await plane.call('POST', `/v1/hosts/${drained}/drain`)).status).toBe(200);
    await eventually(async () => (await hostState(drained)) === 'drained', 240_000, 250);

    // Read the log in order: at every event after the drain began, at most one replica moves and
    // at least replicas.min are healthy.
    const ids = new Set(replicas.map((i) => i.id));
    const started = (await eventOf('HostDrainStarted', drained)).position as number;
    const lives = new Map<string, InstanceLife>();
    const moving = new Set<string>();
    const breaches: string[] = [];
    const migrationOf = new Map<string, string>();
    for (const event of await plane.events()) {
      if (isInstanceEvent(event) && ids.has(event.data.instance)) {
        const id = event.data.instance as string;
        lives.set(id, evolveInstanceLife(lives.get(id) ?? initialInstanceLife(), event));
      }
      if (event.type === 'MigrationStarted' && ids.has(event.data.instance)) {
        migrationOf.set(event.data.migration, event.data.instance);
        moving.add(event.data.instance);
      }
      if (['MigrationCompleted', 'MigrationFailed', 'MigrationRolledBack'].includes(event.type)) {
        moving.delete(migrationOf.get(event.data.migration) ?? '');
      }
      if (event.position <= started) continue;
      const healthy = [...lives.values()].filter((l) => l.status === 'healthy').length;
      if (moving.size > 1)
        breaches.push(`${event.position} ${event.type}: ${[...moving].join(', ')} move at once`);
      if (healthy < 2) breaches.push(`${event.position} ${event.type}: ${healthy} healthy`);
    }
    expect(breaches).toEqual([]);
    expect(await eventOf('HostDrained', drained)).toMatchObject({
      data: { evacuated: expect.arrayContaining(leaving) },
    });
    const moves = (await plane.events(['MigrationStarted'])).filter((e) =>
      ids.has(e.data.instance),
    );
    expect(moves.map((e) => e.data.instance).sort()).toEqual([...leaving].sort());
  }, 360_000);

  it('lists a non-relocatable instance as blocking the drain, which waits for the operator to stop it', async () => {
    const [pin] = await deploy('pinned', pinnedYaml('pinned'), 1);
    expect((await plane.call('POST', `/v1/hosts/${pin.host}/drain`)).status).toBe(200);
    const entry = { instance: pin.id, service: 'pinned', app: 'pin', reason: 'not relocatable' };
    const blocked = await eventually(
      async () =>
        (await plane.events(['HostDrainBlocked'])).find(
          (e) =>
            e.data.host === pin.host && e.data.blocked.some((b: Json) => b.instance === pin.id),
        ),
      60_000,
      250,
    );
    expect(blocked!.data.blocked).toContainEqual(entry);
    // The host's read model follows the log: it may not hold the event yet when the log does.
    const listed = await eventually(
      async () => {
        const host = (await plane.call('GET', `/v1/hosts/${pin.host}`)).json;
        return host.drain?.blocked?.length ? host.drain.blocked : undefined;
      },
      30_000,
      250,
    );
    expect(listed).toContainEqual(entry);

    // The operator stops it: only then is the host empty, and the drain over.
    const before = (await plane.events()).at(-1)!.position;
    await stop('pinned');
    await eventually(async () => (await hostState(pin.host)) === 'drained', 60_000, 250);
    const drained = await eventOf('HostDrained', pin.host);
    expect(drained.position).toBeGreaterThan(before);
    expect(drained.data).toMatchObject({ evacuated: [], notRelocatable: [pin.id] });
  }, 180_000);

  it('ends a blocked drain at its deadline listing what stayed and why, and kills nothing', async () => {
    const [pin] = await deploy('pinned-late', pinnedYaml('pinned-late'), 1);
    const drain = await plane.call('POST', `/v1/hosts/${pin.host}/drain`, { deadlineMs: 1000 });
    expect(drain.status).toBe(200);
    const timedOut = await eventually(() => eventOf('HostDrainTimedOut', pin.host), 60_000, 250);
    const entry = {
      instance: pin.id,
      service: 'pinned-late',
      app: 'pin',
      reason: 'not relocatable',
    };
    expect(timedOut.data.remaining).toContainEqual(entry);
    const started = await eventOf('HostDrainStarted', pin.host);
    expect(started.data.deadlineAt).toEqual(expect.any(String));
    const host = await eventually(
      async () => {
        const read = (await plane.call('GET', `/v1/hosts/${pin.host}`)).json;
        return read.drain?.state === 'timed-out' ? read : undefined;
      },
      30_000,
      250,
    );
    expect(host.drain).toMatchObject({ state: 'timed-out', remaining: [pin.id] });
    expect(host.drain.blocked).toContainEqual(entry);
    const still = (await instancesOf('pinned-late')).find((i) => i.id === pin.id)!;
    expect(still).toMatchObject({ host: pin.host, state: 'healthy' });
  }, 180_000);

  it('replaces a host: the data written on the old host is read on the new one, and the old host retires', async () => {
    const [kv] = await deploy('vault', dataYaml('vault'), 1);
    const target = (await readyHosts()).find((h) => h !== kv.host)!;
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
    const [old, cordoned] = await readyHosts();
    await plane.call('POST', `/v1/hosts/${cordoned}/cordon`);
    try {
      const answer = await plane.call('POST', `/v1/hosts/${old}/replace`, { with: cordoned });
      expect(answer.status).toBe(409);
      expect(answer.json.error.details).toEqual([
        { path: 'with', reason: `host ${cordoned} is cordoned` },
      ]);
      const itself = await plane.call('POST', `/v1/hosts/${old}/replace`, { with: old });
      expect(itself.status).toBe(400);
      expect(itself.json.error.details).toEqual([expect.objectContaining({ path: 'with' })]);
      expect(await hostState(old)).toBe('ready');
    } finally {
      await plane.call('POST', `/v1/hosts/${cordoned}/uncordon`);
    }
  }, 60_000);

  it('goes on with a drain recorded while no migration replica ran, once one starts', async () => {
    const [kv] = await deploy('safe', dataYaml('safe'), 1);
    const put = await fetch(`http://127.0.0.1:${fleet.portOf(kv.host, kv.id)}/kv/answer`, {
      method: 'PUT',
      body: 'forty-two',
    });
    expect(put.status).toBe(200);
    await migration.close();
    migration = undefined as unknown as INestMicroservice;
    expect((await plane.call('POST', `/v1/hosts/${kv.host}/drain`)).status).toBe(200);
    migration = await startMigrationService(migrationEnv());
    await eventually(async () => (await hostState(kv.host)) === 'drained', 120_000, 250);

    const moved = (await eventually(async () => {
      const i = (await instancesOf('safe')).find((x) => x.id === kv.id);
      return i && i.host !== kv.host && i.state === 'healthy' ? i : undefined;
    }, 30_000))!;
    const read = await fetch(`http://127.0.0.1:${fleet.portOf(moved.host, moved.id)}/kv/answer`);
    expect(await read.text()).toBe('forty-two');
  }, 180_000);
});
