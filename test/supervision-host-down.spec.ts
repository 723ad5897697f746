import { eventually } from '@federa/testing';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet } from './supervision-fleet';
import { liveInstances } from './supervision-fencing-checks';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

type Instance = { id: string; app: string; host: string; state: string };

/**
 * Hosts die for real here: the agent and its instance processes are killed, and only inventory's
 * liveness loop (heartbeats at 200 ms, down after 600 ms of silence) tells supervision about it.
 */
describe('a host of the e-commerce service dies', () => {
  let plane: ControlPlane;
  let fleet: Fleet;

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=shop')).json.items;
  const service = async () => (await plane.call('GET', '/v1/services/shop')).json;
  const lastPosition = async () => (await plane.events()).at(-1)?.position ?? 0;
  const eventsAfter = async (position: number, types?: string[]) =>
    (await plane.events(types)).filter((e) => e.position > position);

  beforeAll(async () => {
    plane = await startControlPlane('supervision_host_down');
    fleet = await Fleet.start(plane, ['d1', 'd2', 'd3', 'd4']);
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    await eventually(async () => (await service()).state === 'available', 60_000, 200);
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
  });

  it('re-places the relocatable instances once inventory declares the host down, and the service is available again', async () => {
    const all = await instances();
    const paymentHost = all.find((i) => i.app === 'payment')?.host;
    const victim = all.find((i) => i.app === 'web' && i.host !== paymentHost) as Instance;
    const onHost = all.filter((i) => i.host === victim.host).map((i) => i.id);
    const before = await lastPosition();

    await fleet.killHost(victim.host);

    await eventually(
      async () => (await eventsAfter(before, ['ServiceAvailable'])).length > 0,
      60_000,
      200,
    );
    const log = await eventsAfter(before);
    const down = log.find((e) => e.type === 'HostDown' && e.streamId === `host-${victim.host}`);
    expect(down?.data).toMatchObject({ host: victim.host, cause: 'dead' });
    for (const id of onHost) {
      const failed = log.find((e) => e.type === 'InstanceFailed' && e.data.instance === id);
      expect(failed?.data.reason).toBe(`host ${victim.host} down`);
      expect(failed!.position).toBeGreaterThan(down!.position);
    }
    const after = await instances();
    for (const id of onHost) expect(after.find((i) => i.id === id)).toBeUndefined();
    const web = after.filter((i) => i.app === 'web' && i.state === 'healthy');
    expect(web).toHaveLength(2);
    expect(web.map((i) => i.host)).not.toContain(victim.host);
  }, 150_000);

  it('reports a non-relocatable application whose host is down instead of moving it', async () => {
    const payment = (await instances()).find((i) => i.app === 'payment') as Instance;
    const before = await lastPosition();

    await fleet.killHost(payment.host);

    const failed = await eventually(
      async () => (await eventsAfter(before, ['ServiceFailed']))[0],
      60_000,
      200,
    );
    expect(failed.data).toMatchObject({
      app: 'payment',
      reason: `host down and not relocatable: ${payment.id} on ${payment.host}`,
    });
    const log = await eventsAfter(before);
    expect(log.some((e) => e.type === 'HostDown' && e.data.host === payment.host)).toBe(true);
    // Kept, not replaced nor failed: recorded lost, once.
    const payments = log.filter((e) => e.data.app === 'payment' && e.type.startsWith('Instance'));
    expect(payments.map((e) => [e.type, e.data.instance, e.data.reason])).toEqual([
      ['InstanceLost', payment.id, `host ${payment.host} down`],
    ]);

    const shown = await service();
    expect(shown.state).toBe('failed');
    expect(shown.applications.find((a: { name: string }) => a.name === 'payment')).toMatchObject({
      healthy: 0,
      reason: `host down and not relocatable: ${payment.id} on ${payment.host}`,
      instances: [expect.objectContaining({ id: payment.id, host: payment.host })],
    });
    const kept = await plane.call('GET', `/v1/instances/${payment.id}`);
    expect(kept.json).toMatchObject({ id: payment.id, host: payment.host, state: 'lost' });
  }, 150_000);

  it('fails a lost instance whose host comes back without it, and replaces it', async () => {
    const lost = (await instances()).find((i) => i.app === 'payment') as Instance;
    expect(lost.state).toBe('lost');
    const before = await lastPosition();

    await fleet.startHost(lost.host);

    await eventually(
      async () => (await eventsAfter(before, ['ServiceAvailable'])).length > 0,
      60_000,
      200,
    );
    const log = await eventsAfter(before);
    const failed = log.find((e) => e.type === 'InstanceFailed' && e.data.instance === lost.id);
    // In the agent's words: its report says why; a heartbeat that comes first only says failed.
    expect(failed?.data).toMatchObject({ host: lost.host });
    const replacement = log.find((e) => e.type === 'InstanceRequested' && e.data.app === 'payment');
    expect(replacement?.data.reason).toBe('replace');
    expect(replacement!.position).toBeGreaterThan(failed!.position);
  }, 150_000);

  it('records a lost instance healthy again when its agent comes back with it still running', async () => {
    const payment = (await instances()).find(
      (i) => i.app === 'payment' && i.state === 'healthy',
    ) as Instance;
    const before = await lastPosition();

    await fleet.silenceHost(payment.host);
    await eventually(
      async () =>
        (await eventsAfter(before, ['InstanceLost'])).some((e) => e.data.instance === payment.id),
      60_000,
      200,
    );
    await fleet.startHost(payment.host);

    // Watched in the log: the API's read model may still show the healthy of before the loss.
    await eventually(
      async () =>
        (await eventsAfter(before)).filter((e) => e.data.instance === payment.id).at(-1)?.type ===
        'InstanceHealthy',
      60_000,
      200,
    );
    await eventually(
      async () => (await plane.call('GET', `/v1/instances/${payment.id}`)).json.state === 'healthy',
      60_000,
      200,
    );
    const mine = (await eventsAfter(before)).filter((e) => e.data.instance === payment.id);
    expect(mine[0].type).toBe('InstanceLost');
    expect(mine.at(-1)!.type).toBe('InstanceHealthy');
    expect(mine.map((e) => e.type)).not.toContain('InstanceFailed');
    expect(mine.map((e) => e.type)).not.toContain('InstanceStopRequested');
  }, 150_000);

  it('ends a lost instance its restarted agent was stopping, and runs each instance of the shop once', async () => {
    const payment = (await instances()).find(
      (i) => i.app === 'payment' && i.state === 'healthy',
    ) as Instance;
    const dataDir = fleet.agents.get(payment.host)!.dataDir;
    const before = await lastPosition();

    await fleet.silenceHost(payment.host);
    await eventually(
      async () =>
        (await eventsAfter(before, ['InstanceLost'])).some((e) => e.data.instance === payment.id),
      60_000,
      200,
    );
    // The agent went down in the middle of a stop the log never asked: its table, which it
    // reloads, says so, and its process still runs.
    const tablePath = join(dataDir, 'instances.json');
    const table = JSON.parse(readFileSync(tablePath, 'utf8'));
    for (const row of table.instances) if (row.spec.instance === payment.id) row.state = 'stopping';
    writeFileSync(tablePath, JSON.stringify(table));
    expect(runningShop([dataDir]).get(payment.id)).toBe(1);
    await fleet.startHost(payment.host);

    // The restarted agent finishes the stop and reports it; failing that, the hold on a lost
    // instance ends and its copy is fenced. Either way the instance ends and is replaced.
    const ended = await eventually(
      async () =>
        (await eventsAfter(before, ['InstanceFailed', 'InstanceStopped'])).find(
          (e) => e.data.instance === payment.id,
        ),
      60_000,
      200,
    );
    expect(ended!.data.host).toBe(payment.host);
    let last = '';
    await eventually(
      async () => {
        const live = await liveInstances(plane);
        const running = runningShop();
        last = `log: ${JSON.stringify(live)}; processes: ${JSON.stringify([...running])}`;
        const payments = live.filter((i) => i.app === 'payment');
        if (payments.length !== 1 || payments[0].state !== 'healthy') return false;
        const ids = live.map((i) => i.id).sort();
        return (
          JSON.stringify([...running.keys()].sort()) === JSON.stringify(ids) &&
          [...running.values()].every((n) => n === 1)
        );
      },
      90_000,
      250,
    ).catch((error: unknown) => {
      throw new Error(`the shop did not settle to each instance running once: ${last}`, {
        cause: error,
      });
    });
    expect(runningShop().get(payment.id)).toBeUndefined();
  }, 200_000);

  /**
   * How many processes run as each instance of the fleet's running agents (FEDERA_INSTANCE, under
   * an agent's data directory, or one of `alsoUnder`), read from the process table: group leaders,
   * zombies left out.
   */
  function runningShop(alsoUnder: string[] = []): Map<string, number> {
    const dirs = [...[...fleet.agents.values()].map((a) => a.dataDir), ...alsoUnder].map(
      (dir) => `FEDERA_DATA_DIR=${dir}/`,
    );
    const counts = new Map<string, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let environ: string[];
      let stat: string;
      try {
        environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile, or not ours to read
      }
      if (!environ.some((v) => dirs.some((dir) => v.startsWith(dir)))) continue;
      const instance = environ
        .find((v) => v.startsWith('FEDERA_INSTANCE='))
        ?.slice('FEDERA_INSTANCE='.length);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (!instance || fields[0] === 'Z' || Number(fields[2]) !== Number(entry)) continue;
      counts.set(instance, (counts.get(instance) ?? 0) + 1);
    }
    return counts;
  }
});
