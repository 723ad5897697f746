import {
  InstanceSummary,
  ServiceEndpoints,
  Subjects,
  endpointsVariableName,
  validatePayload,
} from '@federa/contracts';
import { eventually } from '@federa/testing';
import type { KV, NatsConnection } from 'nats';
import { Supervisor } from '../services/supervision/src/supervisor/supervisor';
import { connectTo, killGroup, persistedHandle } from './agent-harness';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

jest.setTimeout(240_000);

/** db ← web; web instances on hosts of their own, and never beside the db. */
function shopSpec(): object {
  const app = (name: string, extra: object) => ({
    name,
    layer: 'process',
    artifact: { command: ['node', 'test/agent-discovery-app.js'] },
    resources: { cpu: '100m', memory: '64Mi', storage: '1Gi' },
    health: { http: { path: '/healthz' }, intervalMs: 200, failureThreshold: 2 },
    ...extra,
  });
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'shop' },
    spec: {
      applications: [
        app('db', { replicas: { min: 1, max: 1 } }),
        app('web', { replicas: { min: 1, max: 3 }, dependsOn: ['db'] }),
      ],
      rules: [{ antiAffinity: ['web'] }, { antiAffinity: ['db', 'web'] }],
    },
  };
}

/** What an instance of test/agent-discovery-app.js answers on `path`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- /env and /seen answer JSON of their own shapes
async function ask(endpoint: { address: string; port: number }, path: string): Promise<any> {
  const answer = await fetch(`http://${endpoint.address}:${endpoint.port}${path}`, {
    signal: AbortSignal.timeout(5000),
  });
  return answer.json();
}

const hostPort = (e: { address: string; port: number }) => `${e.address}:${e.port}`;

/** `app`'s endpoints in a set, as `address:port` sorted. */
function endpointsOf(set: ServiceEndpoints | undefined, app: string): string[] {
  const found = set?.applications.find((a) => a.name === app);
  return (found?.instances ?? []).map(hostPort).sort();
}

describe('service discovery on the control plane, with real agents', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let nc: NatsConnection;
  let kv: KV;
  const hosts = ['h1', 'h2', 'h3'];
  /** Every version the test read from each host's key, in order. */
  const versions = new Map<string, number[]>(hosts.map((h) => [h, []]));

  /** The shop's keys (one per host), validated. */
  async function keys(): Promise<Map<string, ServiceEndpoints>> {
    const sets = new Map<string, ServiceEndpoints>();
    for (const host of hosts) {
      const entry = await kv.get(`${host}.shop`);
      if (!entry || entry.operation !== 'PUT') continue;
      const value = validatePayload(ServiceEndpoints, entry.json());
      if (!value.ok)
        throw new Error(`the bucket holds a malformed set: ${JSON.stringify(value.errors)}`);
      versions.get(host)!.push(value.value.version);
      sets.set(host, value.value);
    }
    return sets;
  }

  /**
   * The shop's set as the keys of the hosts running its instances say it, once each of them has a
   * key and they all say the same; undefined until then.
   */
  async function held(): Promise<ServiceEndpoints | undefined> {
    const sets = await keys();
    const running = new Set(
      [...(await instances('db')), ...(await instances('web'))].flatMap((i) => i.host ?? []),
    );
    const wanted = [...running].map((h) => sets.get(h));
    const first = wanted[0];
    if (
      !first ||
      wanted.some((set) => JSON.stringify(set?.applications) !== JSON.stringify(first.applications))
    )
      return undefined;
    // No host without an instance of the shop is told its endpoints.
    expect([...sets.keys()].filter((h) => !running.has(h))).toEqual([]);
    return first;
  }

  /** The live instances of `app`, as the API shows them. */
  async function instances(app: string): Promise<InstanceSummary[]> {
    const answer = await plane.call('GET', `/v1/instances?service=shop&app=${app}`);
    return answer.json.items as InstanceSummary[];
  }

  /** Waits until the bucket holds exactly the API's healthy instances of db and web; answers the set. */
  async function bucketAgreesWithApi(db: number, web: number): Promise<ServiceEndpoints> {
    let last: unknown;
    let set: ServiceEndpoints | undefined;
    await eventually(
      async () => {
        set = await held();
        const healthy = async (app: string) =>
          (await instances(app))
            .filter((i) => i.state === 'healthy' && i.endpoint)
            .map((i) => hostPort(i.endpoint!))
            .sort();
        const [dbs, webs] = [await healthy('db'), await healthy('web')];
        last = { set, dbs, webs };
        return (
          dbs.length === db &&
          webs.length === web &&
          JSON.stringify(endpointsOf(set, 'db')) === JSON.stringify(dbs) &&
          JSON.stringify(endpointsOf(set, 'web')) === JSON.stringify(webs)
        );
      },
      120_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
    });
    return set as ServiceEndpoints;
  }

  /** Waits until the workload at `endpoint` has read (long poll) a set with these endpoints. */
  async function workloadSees(
    endpoint: { address: string; port: number },
    expected: { db: string[]; web: string[] },
  ): Promise<ServiceEndpoints> {
    let seen: ServiceEndpoints | undefined;
    await eventually(
      async () => {
        seen = (await ask(endpoint, '/seen')).seen ?? undefined;
        return (
          JSON.stringify(endpointsOf(seen, 'db')) === JSON.stringify(expected.db) &&
          JSON.stringify(endpointsOf(seen, 'web')) === JSON.stringify(expected.web)
        );
      },
      60_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it saw ${JSON.stringify(seen)}`);
    });
    return seen as ServiceEndpoints;
  }

  function kill(instance: InstanceSummary): void {
    const { dataDir } = fleet.agents.get(instance.host as string)!;
    killGroup(persistedHandle(dataDir, instance.id).pid);
  }

  beforeAll(async () => {
    plane = await startControlPlane('discovery');
    fleet = await Fleet.start(plane, ['h1', 'h2', 'h3']);
    nc = await connectTo(plane.settings.natsUrl);
    kv = await nc.jetstream().views.kv(new Subjects(plane.prefix).discoveryBucket, { history: 1 });
  });

  afterAll(async () => {
    await nc?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('publishes where the instances answer, gives each start its dependencies, and follows a replaced database and a scale-out', async () => {
    expect((await plane.call('PUT', '/v1/services/shop', shopSpec())).status).toBe(200);
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);

    // The API and the bucket name the same endpoints.
    const first = await bucketAgreesWithApi(1, 1);
    const [db] = (await instances('db')).filter((i) => i.state === 'healthy');
    const [web] = (await instances('web')).filter((i) => i.state === 'healthy');
    const one = await plane.call('GET', `/v1/instances/${db.id}`);
    expect(one.json.endpoint).toEqual(db.endpoint);
    expect(first.applications.find((a) => a.name === 'db')?.instances).toEqual([
      { instance: db.id, host: db.host, ...db.endpoint },
    ]);

    // The database has no dependency: at its start every application's list was empty, and valid.
    const dbEnv = await ask(db.endpoint!, '/env');
    expect(dbEnv[endpointsVariableName('db')]).toBe('');
    expect(dbEnv[endpointsVariableName('web')]).toBe('');
    const dbSees = await workloadSees(db.endpoint!, {
      db: [hostPort(db.endpoint!)],
      web: [hostPort(web.endpoint!)],
    });
    const checked = validatePayload(ServiceEndpoints, dbSees);
    expect(checked.ok ? [] : checked.errors).toEqual([]);

    // The front end started after its database served: it was told where at start.
    const webEnv = await ask(web.endpoint!, '/env');
    expect(webEnv[endpointsVariableName('db')]).toBe(hostPort(db.endpoint!));
    expect(webEnv.FEDERA_DISCOVERY_URL).toMatch(/^http:\/\/.+\/v1\/discovery\/shop$/);

    // The database stops and is replaced on another host: the bucket, then the front end, follow.
    expect((await plane.call('POST', `/v1/hosts/${db.host}/cordon`)).status).toBe(200);
    kill(db);
    await eventually(
      async () => {
        const dbs = (await instances('db')).filter((i) => i.state === 'healthy');
        return dbs.length === 1 && dbs[0].id !== db.id && dbs[0].host !== db.host;
      },
      120_000,
      250,
    );
    const moved = await bucketAgreesWithApi(1, 1);
    const [newDb] = (await instances('db')).filter((i) => i.state === 'healthy');
    expect(endpointsOf(moved, 'db')).toEqual([hostPort(newDb.endpoint!)]);
    expect(moved.version).toBeGreaterThan(first.version);
    await workloadSees(web.endpoint!, {
      db: [hostPort(newDb.endpoint!)],
      web: [hostPort(web.endpoint!)],
    });

    // Scale-out: the new front end's endpoint reaches every reader, the first front end included.
    expect((await plane.call('POST', `/v1/hosts/${db.host}/uncordon`)).status).toBe(200);
    await plane.supervision.get(Supervisor).command('shop', {
      type: 'scale',
      app: 'web',
      to: 2,
      metric: 'load',
      inputs: { averageLoad: 0.9, samples: 1, windowMs: 1000, threshold: 0.75, replicas: 1 },
    });
    const scaled = await bucketAgreesWithApi(1, 2);
    expect(scaled.version).toBeGreaterThan(moved.version);
    const webs = endpointsOf(scaled, 'web');
    expect(webs).toContain(hostPort(web.endpoint!));
    for (const reader of [...(await instances('web')), newDb].filter((i) => i.endpoint)) {
      await workloadSees(reader.endpoint!, { db: [hostPort(newDb.endpoint!)], web: webs });
    }

    // Versions only grow, key by key.
    for (const seen of versions.values()) expect(seen).toEqual([...seen].sort((a, b) => a - b));

    // A stopped service keeps no key.
    expect((await plane.call('POST', '/v1/services/shop/stop')).status).toBe(202);
    await eventually(async () => (await keys()).size === 0, 120_000, 250);
  });

  it('repairs the bucket when its value was damaged or removed behind its back', async () => {
    // Deployed again after the stop: each application back at replicas.min.
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);
    const good = await bucketAgreesWithApi(1, 1);
    const [someHost] = (await keys()).keys();
    await kv.put(
      `${someHost}.shop`,
      new TextEncoder().encode('{"service":"shop","version":"nope"}'),
    );
    await kv.put(
      'h1.ghost',
      new TextEncoder().encode(JSON.stringify({ ...good, service: 'ghost' })),
    );
    // A key of the bucket's old layout (one per service, no host): no agent reads it any more.
    await kv.put('shop', new TextEncoder().encode(JSON.stringify(good)));
    // A new leadership (here: the supervisor told that NATS came back) reads the bucket again.
    plane.supervision.get(Supervisor).reconnected();
    const repaired = await bucketAgreesWithApi(1, 1);
    expect(repaired.applications).toEqual(good.applications);
    await eventually(async () => (await kv.get('h1.ghost'))?.operation !== 'PUT', 30_000, 250);
    await eventually(async () => (await kv.get('shop'))?.operation !== 'PUT', 30_000, 250);
  });
});
