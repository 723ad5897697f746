import { Subjects } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { convergedOnce, lastPosition, liveInstances, shopYaml } from './supervision-fencing-checks';
import { ProcessFleet } from './supervision-fencing-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

/**
 * Faults where a host is not dead though it looks so, with real agents in processes of their own
 * (heartbeats every 250 ms, down after 2.5 s of silence, so that a loaded machine does not flap):
 * whatever happens, the shop ends with exactly the instances its spec wants, each running once in
 * the hosts' process tables.
 */
describe('fencing copies the log has replaced', () => {
  let plane: ControlPlane;
  let fleet: ProcessFleet;
  let nc: NatsConnection;

  const eventsAfter = async (position: number, types?: string[]) =>
    (await plane.events(types)).filter((e) => e.position > position);
  const hostOf = async (app: string) =>
    (await liveInstances(plane)).find((i) => i.app === app && i.state === 'healthy')?.host;
  /** Until every relocatable instance that was on `host` has a healthy replacement elsewhere. */
  const replacedAway = (host: string, ids: string[]) =>
    eventually(
      async () => {
        const now = await liveInstances(plane);
        const gone = ids.every((id) => !now.some((i) => i.id === id && i.app !== 'payment'));
        const healthyElsewhere = ['catalog-db', 'web'].every(
          (app) =>
            now.filter((i) => i.app === app && i.state === 'healthy' && i.host !== host).length ===
            (app === 'web' ? 2 : 1),
        );
        return gone && healthyElsewhere;
      },
      90_000,
      250,
    );

  beforeAll(async () => {
    plane = await startControlPlane('supervision_fencing');
    fleet = await ProcessFleet.start(plane, ['f1', 'f2', 'f3', 'f4']);
    nc = await connect({ servers: plane.settings.natsUrl });
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    await convergedOnce(plane, fleet);
  }, 180_000);

  afterAll(async () => {
    await nc?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('stops the surplus copies of a frozen agent once it thaws, so that the single-replica database runs once', async () => {
    const victim = (await hostOf('catalog-db')) as string;
    const onVictim = (await liveInstances(plane)).filter((i) => i.host === victim);
    const running = fleet.running();

    fleet.freeze(victim);
    await replacedAway(
      victim,
      onVictim.map((i) => i.id),
    );
    // The frozen agent's instances never stopped: the host ran the database twice meanwhile.
    for (const i of onVictim) expect(fleet.running().get(i.id)).toBe(running.get(i.id));
    const thawedAt = await lastPosition(plane);
    fleet.thaw(victim);

    const { running: after } = await convergedOnce(plane, fleet);
    expect([...after.entries()].filter(([id]) => id.includes('catalog-db'))).toHaveLength(1);
    // The fenced copies changed nothing in their instances' streams.
    const replaced = onVictim.filter((i) => i.app !== 'payment').map((i) => i.id);
    const touched = (await eventsAfter(thawedAt)).filter((e) => replaced.includes(e.data.instance));
    expect(touched).toEqual([]);
  }, 240_000);

  it('stops the old copies of an agent killed and restarted after its host was declared down', async () => {
    const victim = (await hostOf('catalog-db')) as string;
    const onVictim = (await liveInstances(plane)).filter((i) => i.host === victim);

    await fleet.kill(victim);
    await replacedAway(
      victim,
      onVictim.map((i) => i.id),
    );
    for (const i of onVictim) expect(fleet.running().get(i.id)).toBe(1);
    await fleet.startHost(victim);

    await convergedOnce(plane, fleet);
  }, 240_000);

  it('replaces an instance after a single forged failed report, and stops the original that still runs', async () => {
    const web = (await liveInstances(plane)).find((i) => i.app === 'web' && i.state === 'healthy');
    expect(web).toBeDefined();
    const registrations = await plane.events(['HostRegistered', 'HostRecovered']);
    const epoch = registrations.filter((e) => e.data.host === web!.host).at(-1)!.data.epoch;
    const before = await lastPosition(plane);

    nc.publish(
      new Subjects(plane.prefix).agentReport(web!.host),
      JSONCodec().encode({
        host: web!.host,
        epoch,
        runId: 'forged',
        seq: 1,
        sentAt: Date.now(),
        kind: 'instance',
        instance: web!.id,
        state: 'failed',
        detail: 'forged\u0000 failure',
      }),
    );

    await eventually(
      async () =>
        (await eventsAfter(before, ['InstanceFailed'])).some((e) => e.data.instance === web!.id),
      30_000,
      200,
    );
    const failed = (await eventsAfter(before, ['InstanceFailed'])).find(
      (e) => e.data.instance === web!.id,
    );
    // The NUL was cleaned where the report came in: the log took the rest of the words.
    expect(failed?.data.reason).toBe('forged\ufffd failure');
    const { running } = await convergedOnce(plane, fleet);
    expect(running.has(web!.id)).toBe(false);
  }, 180_000);
});
