/**
 * An agent whose wall clock is wrong (issue 19): its node process runs with Date shifted
 * (clock-skew-preload.js), its timers on time. Two agents, one 4 minutes ahead and one 4 minutes
 * behind (inside the 5 minutes a registration's signature may be off), run a service's instances
 * and heartbeat: neither host is suspected or declared down for it, usage is not counted in minutes
 * that have not come yet, and the plane's invariants hold; the one ahead, killed, is declared down
 * as dead (its lease dated ahead does not pass for fresh). Two more, 10 minutes ahead and behind,
 * are refused at registration, as the agent protocol documents (hostKey.signedAt), and get nothing.
 *
 * Worst case: plane start 60 s + two registrations 60 s each + the deploy 90 s + the usage wait
 * 60 s + the invariants 90 s + the host's death 60 s + two refusals 60 s each + close 30 s, about
 * 10 min; typically about 60 s here.
 */
import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { eventually, freshDatabase, type FreshDatabase } from '@federa/testing';
import { CommandLedger } from '../acknowledged-commands';
import { tempDir } from '../agent-harness';
import { OutagePlane, outageSpec } from '../outage-harness';
import { closeEach } from './bounded-close';
import { expectFaultInvariants } from './fault-invariants';
import { deleteStreamsOf } from './jetstream-cleanup';
import { SkewedAgentProcess, type SkewedAgentBus } from './skewed-agent-process';

jest.setTimeout(600_000);

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const minute = 60_000;
const heartbeatMs = 500;
/** Short, so that a host whose heartbeats were all refused would be declared down within the test. */
const downAfterMs = 3000;

describe('an agent whose wall clock is off', () => {
  let database: FreshDatabase;
  let plane: OutagePlane;
  let bus: SkewedAgentBus;
  const agents: SkewedAgentProcess[] = [];
  const leaseDir = tempDir('skew-leases');

  beforeAll(async () => {
    database = await freshDatabase('agent_clock_skew');
    plane = await OutagePlane.start(database.url, natsUrl, 'clockskew', {
      hosts: [],
      fleet: { leaseDir, heartbeatMs, downAfterMs },
    });
    bus = { natsUrl, prefix: plane.prefix, leaseDir, heartbeatMs };
  }, 120_000);

  // Every step runs whatever the one before did, each bounded; the plane runs on the shared NATS, so
  // its streams are deleted by its prefix.
  afterAll(
    () =>
      closeEach([
        [
          'the skewed agents',
          () => Promise.all(agents.map((agent) => agent.stop())).then(() => {}),
          15_000,
        ],
        ['the plane', () => plane?.close()],
        ['its JetStream streams', () => plane && deleteStreamsOf(natsUrl, plane.prefix), 10_000],
        ['the database', () => database?.drop(), 5_000],
        ['the lease directory', () => rmSync(leaseDir, { recursive: true, force: true })],
      ]),
    90_000,
  );

  /** Which attempt this is: a retried test (test/retry-once.ts) names its hosts afresh. */
  let attempt = 0;
  const start = (host: string, skewMs: number) => {
    const agent = SkewedAgentProcess.start(host, skewMs, bus);
    agents.push(agent);
    return agent;
  };

  it('4 minutes ahead or behind: its host stays ready, its instances run once, and its usage is not counted in the future', async () => {
    attempt += 1;
    // A retry keeps the hosts of the first attempt (their service must stay available), but places
    // nothing more on them.
    for (const earlier of agents)
      expect((await plane.call('POST', `/v1/hosts/${earlier.host}/cordon`)).status).toBe(200);
    const [aheadHost, behindHost] = [`ahead-${attempt}`, `behind-${attempt}`];
    const ahead = start(aheadHost, 4 * minute);
    const behind = start(behindHost, -4 * minute);
    await Promise.all([ahead.registered(), behind.registered()]);

    const ledger = new CommandLedger((method, path, body) => plane.call(method, path, body));
    const name = `alpha-${attempt}`;
    // Two workers that never share a host: one on each clock.
    const spec = outageSpec(name, 2) as { spec: Record<string, unknown> };
    spec.spec.rules = [{ antiAffinity: ['worker'] }];
    await ledger.send('apply', name, 'PUT', `/v1/services/${name}`, spec);
    await ledger.send('deploy', name, 'POST', `/v1/services/${name}/deploy`);
    await eventually(() => plane.recorded('ServiceAvailable', name), 90_000, 250);
    const placed = await hostsOfInstances(plane, name);
    // Both clocks are under test: each host runs some of the service.
    expect([...new Set(placed.values())].sort()).toEqual([aheadHost, behindHost]);

    // Long enough for inventory to have given up on either host, had it refused its heartbeats,
    // and for statistics to have counted both hosts' instances.
    const since = Date.now();
    await eventually(
      async () =>
        Date.now() - since > 3 * downAfterMs && (await countedHosts(database.url)).length === 2,
      60_000,
      250,
    );

    // Never declared down, nor registered again. (A suspicion is not judged: on a loaded machine a
    // heartbeat of a process agent may come a second late; one refused for its date would be
    // refused again, and the host declared down within downAfterMs.)
    const events = await plane.events();
    const liveness = events.filter(
      (e) =>
        ['HostSuspected', 'HostDown', 'HostRecovered'].includes(e.type) &&
        [`host-${aheadHost}`, `host-${behindHost}`].includes(e.streamId),
    );
    process.stderr.write(
      `liveness events of the skewed hosts: ${JSON.stringify(liveness.map((e) => [e.type, e.streamId, e.data]))}\n`,
    );
    expect(
      liveness.filter((e) => e.type === 'HostDown').map((e) => `${e.type} ${e.streamId}`),
    ).toEqual([]);
    for (const host of [aheadHost, behindHost]) {
      const answer = await plane.call('GET', `/v1/hosts/${host}`);
      expect({ host, state: answer.json.state, epoch: answer.json.epoch }).toEqual({
        host,
        state: 'ready',
        epoch: 1,
      });
    }

    // No minute of usage later than statistics' own clock: the clock ahead does not date the future.
    expect(await futureMinutes(database.url)).toEqual([]);
    await expectFaultInvariants(plane, { ledger });

    // The host ahead loses power (agent and instances killed): its last lease, dated 4 minutes
    // ahead, must not pass for fresh and have it taken for one cut off but alive.
    await ahead.stop();
    const down = await eventually(
      async () =>
        (await plane.events()).find(
          (e) => e.type === 'HostDown' && e.streamId === `host-${aheadHost}`,
        ),
      60_000,
      250,
    );
    expect(down?.data.cause).toBe('dead');
  });

  it.each([
    ['10 minutes ahead', 10 * minute],
    ['10 minutes behind', -10 * minute],
  ])(
    '%s: its registration is refused naming hostKey.signedAt, and the host gets nothing',
    async (_label, skewMs) => {
      attempt += 1;
      const host = `${skewMs > 0 ? 'far-ahead' : 'far-behind'}-${attempt}`;
      const agent = start(host, skewMs);
      const refusal = await agent.said((line) =>
        String(line.why ?? '').includes('hostKey.signedAt'),
      );
      expect(refusal.why).toMatch(/validation_failed.*a clock off/);
      const events = await plane.events();
      expect(events.filter((e) => e.streamId === `host-${host}`)).toEqual([]);
      expect((await plane.call('GET', `/v1/hosts/${host}`)).status).toBe(404);
      await agent.stop();
    },
  );
});

/** Where each instance of `service` was last placed. */
async function hostsOfInstances(plane: OutagePlane, service: string): Promise<Map<string, string>> {
  const events = await plane.events();
  const ours = new Set(
    events
      .filter((e) => e.type === 'InstanceRequested' && e.data.service === service)
      .map((e) => String(e.data.instance)),
  );
  const placed = new Map<string, string>();
  for (const e of events)
    if (e.type === 'InstancePlaced' && ours.has(String(e.data.instance)))
      placed.set(String(e.data.instance), String(e.data.host));
  return placed;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The hosts statistics has counted usage minutes for. */
function countedHosts(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      'SELECT DISTINCT host FROM statistics.usage_minutes ORDER BY host',
    );
    return rows.map((r) => String(r.host));
  });
}

/** Usage minutes dated after the minute that runs now on Postgres' clock, with their host. */
function futureMinutes(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT host, minute FROM statistics.usage_minutes
        WHERE minute > date_trunc('minute', now()) ORDER BY minute`,
    );
    return rows.map((r) => `${r.host} ${new Date(r.minute).toISOString()}`);
  });
}
