import { Subjects, type AgentReport } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';
import { ProcessFleet } from './supervision-fencing-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import { kvStoreApp, serviceYaml } from './migration-fixtures';

/**
 * Host death with data (issue 13): real agents in processes of their own, real Postgres and NATS.
 * `vault/db` copies its data every 10 s; `vault/scratch` has data and no copies. Killing the agent
 * of the host that runs one (kill -9) gets the host declared down and the instance replaced on
 * another host: from the newest copy, its age recorded, or empty and recorded so.
 */
const vaultYaml = serviceYaml('vault', [
  kvStoreApp('db', { lines: ['data: { path: data, backupEveryMs: 10000 }'] }),
  kvStoreApp('scratch', { lines: ['data: { path: data }'] }),
]);

type Event = Awaited<ReturnType<ControlPlane['events']>>[number];

describe('a host death with data', () => {
  let plane: ControlPlane;
  let fleet: ProcessFleet;
  let nc: NatsConnection;
  let reports: Subscription;
  const backups: AgentReport[] = [];

  /** The healthy instance of `app` and where it answers, as the log says. */
  const healthyOf = async (app: string, not?: string) =>
    eventually(
      async () => {
        const events = await plane.events();
        const ended = new Set(
          events
            .filter((e) =>
              ['InstanceFailed', 'InstanceStopped', 'PlacementFailed'].includes(e.type),
            )
            .map((e) => e.data.instance as string),
        );
        const healthy = events.filter(
          (e) =>
            e.type === 'InstanceHealthy' &&
            e.data.app === app &&
            e.data.instance !== not &&
            !ended.has(e.data.instance),
        );
        const last = healthy.at(-1);
        if (!last) return undefined;
        const running = events.filter(
          (e) => e.type === 'InstanceRunning' && e.data.instance === last.data.instance,
        );
        const endpoint = running.at(-1)?.data.endpoint as { address: string; port: number };
        if (!endpoint) return undefined;
        return {
          id: last.data.instance as string,
          host: last.data.host as string,
          url: `http://${endpoint.address}:${endpoint.port}`,
        };
      },
      120_000,
      250,
    ).then((found) => found!);
  const streamOf = async (instance: string): Promise<Event[]> =>
    (await plane.events()).filter((e) => e.streamId === `instance-${instance}`);

  beforeAll(async () => {
    plane = await startControlPlane('host_death_data');
    fleet = await ProcessFleet.start(plane, ['d1', 'd2', 'd3']);
    nc = await connect({ servers: plane.settings.natsUrl });
    const codec = JSONCodec<AgentReport>();
    reports = nc.subscribe(new Subjects(plane.prefix).allReports, {
      callback: (_error, msg) => {
        const report = codec.decode(msg.data);
        if (report.kind === 'command' && report.command === 'backup') backups.push(report);
      },
    });
    expect(
      (await plane.call('PUT', '/v1/services/vault', vaultYaml, 'application/yaml')).status,
    ).toBeLessThan(300);
    expect((await plane.call('POST', '/v1/services/vault/deploy')).status).toBeLessThan(300);
  }, 180_000);

  afterAll(async () => {
    reports?.unsubscribe();
    await nc?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('starts the replacement from the newest copy, records its age, and stops the old copy once its agent returns', async () => {
    const db = await healthyOf('db');
    const written = await fetch(`${db.url}/kv/order-42`, { method: 'PUT', body: 'paid' });
    expect(written.status).toBe(200);
    const writtenAt = Date.now();
    // A copy taken after the write: it holds the value.
    await eventually(
      () =>
        backups.some(
          (r) =>
            r.instance === db.id &&
            r.status === 'succeeded' &&
            Number((r.result as { at: number }).at) > writtenAt,
        ),
      60_000,
      250,
    );

    await fleet.kill(db.host);
    const replacement = await healthyOf('db', db.id);

    expect(replacement.host).not.toBe(db.host);
    const read = await fetch(`${replacement.url}/kv/order-42`);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('paid');
    const [requested, placed] = await streamOf(replacement.id);
    expect(requested).toMatchObject({
      type: 'InstanceRequested',
      data: { reason: 'replace', replaces: db.id },
    });
    expect(requested.data.restoreFrom).toMatch(new RegExp(`^backups/${db.id}/`));
    expect(requested.data.dataAgeMs).toBeGreaterThanOrEqual(0);
    expect(requested.data).not.toHaveProperty('dataLost');
    expect(placed).toMatchObject({
      type: 'InstancePlaced',
      data: { dataAgeMs: requested.data.dataAgeMs, generation: 1 },
    });

    await eventually(
      async () =>
        (await plane.call('GET', `/v1/instances/${replacement.id}`)).json?.dataAgeMs ===
        requested.data.dataAgeMs,
      30_000,
      250,
    );

    // The dead host's copy still runs until its agent is back; then fencing stops it.
    expect(fleet.running().get(db.id)).toBe(1);
    await fleet.startHost(db.host);
    await eventually(
      () => {
        const running = fleet.running();
        return !running.has(db.id) && running.get(replacement.id) === 1;
      },
      60_000,
      250,
    );
  }, 300_000);

  it('records a replacement without any copy as started empty (dataLost), never silently', async () => {
    const scratch = await healthyOf('scratch');
    await fetch(`${scratch.url}/kv/draft`, { method: 'PUT', body: 'gone' });

    await fleet.kill(scratch.host);
    const replacement = await healthyOf('scratch', scratch.id);

    const [requested, placed] = await streamOf(replacement.id);
    expect(requested).toMatchObject({
      type: 'InstanceRequested',
      data: { reason: 'replace', replaces: scratch.id, dataLost: true },
    });
    expect(requested.data).not.toHaveProperty('restoreFrom');
    expect(placed).toMatchObject({ type: 'InstancePlaced', data: { dataLost: true } });
    expect((await fetch(`${replacement.url}/kv/draft`)).status).toBe(404);
    await eventually(
      async () =>
        (await plane.call('GET', `/v1/instances/${replacement.id}`)).json?.dataLost === true,
      30_000,
      250,
    );
    await fleet.startHost(scratch.host);
  }, 300_000);

  it('has an agent refuse a start of an older generation than it took for that instance', async () => {
    const registrations = await plane.events(['HostRegistered', 'HostRecovered']);
    const epoch = registrations.filter((e) => e.data.host === 'd3').at(-1)!.data.epoch as number;
    const subject = new Subjects(plane.prefix).agentCommand('d3');
    const start = (generation: number) => ({
      commandId: `gen-probe-${generation}`,
      epoch,
      type: 'start',
      spec: {
        instance: 'vault-probe-1',
        service: 'vault',
        app: 'probe',
        layer: 'process',
        artifact: { command: ['node', '-e', 'setInterval(() => {}, 1000)'] },
        resources: { cpuMillis: 10, memoryBytes: 2 ** 20, storageBytes: 0, bandwidthBps: 0 },
        generation,
      },
    });
    const codec = JSONCodec();
    const ask = async (command: object) =>
      codec.decode((await nc.request(subject, codec.encode(command), { timeout: 10_000 })).data);

    expect(await ask(start(2))).toMatchObject({ ok: true, result: { accepted: true } });
    expect(await ask(start(1))).toMatchObject({
      ok: false,
      error: { code: 'stale_generation', details: [{ path: 'spec.generation' }] },
    });
  }, 60_000);
});
