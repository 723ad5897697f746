// Worst case: three planes in this process (about 10 s each to start), the demo shop deployed on
// four real process agents and one of their hosts drained (each wait bounded at 90 s, ~15 s here),
// then two replays each bounded by --timeout 60s on simulated agents (~5 s here): under 5 min,
// ~70 s on an idle machine (the replays at the recorded pace).
import type { INestMicroservice } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import { eventsCommand } from '../cli/src/commands/events';
import { replayCommand } from '../cli/src/commands/replay';
import { runCliCommand } from './cli-in-process';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { apiToken, natsUrl, startControlPlane, type ControlPlane } from './supervision-harness';

jest.setTimeout(240_000);

// As in cli-replay.spec.ts: slow heartbeats and a minute before a silent host is down, so that two
// busy cores delay no heartbeat into a host down neither the recording nor the replay caused.
const heartbeatMs = 2_000;
const fleetOptions = { heartbeatMs, downAfterMs: 60_000 };

/** The demo's four hosts (npx federa up), two per site, every one of the process layer. */
const demoHosts = ['demo-geneva-1', 'demo-geneva-2', 'demo-lausanne-1', 'demo-lausanne-2'];
const siteOf = (host: string) => (host.includes('lausanne') ? 'lausanne' : 'geneva');

const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

interface Plane {
  plane: ControlPlane;
  fleet: Fleet;
  migration: INestMicroservice;
  close(): Promise<void>;
}

/** A control plane with inventory, placement and migration, and real process agents for `hosts`. */
async function startPlane(label: string, hosts: string[]): Promise<Plane> {
  const plane = await startControlPlane(label);
  const fleet = await Fleet.start(plane, hosts, {
    ...fleetOptions,
    hostConfig: (host) => ({ site: siteOf(host) }),
  }).catch(async (error: unknown) => {
    await plane.close();
    throw error;
  });
  const migration = await startMigrationService({
    ...process.env,
    FEDERA_DATABASE_URL: plane.database.url,
    FEDERA_NATS_URL: plane.settings.natsUrl,
    FEDERA_SUBJECT_PREFIX: plane.prefix,
  }).catch(async (error: unknown) => {
    await fleet.close();
    await plane.close();
    throw error;
  });
  return {
    plane,
    fleet,
    migration,
    async close() {
      await migration.close();
      await fleet.close();
      await plane.close();
    },
  };
}

const gatewayOf = (plane: ControlPlane) => ({ api: plane.gateway.url, token: apiToken });

type Instance = { app: string; host: string | null; state: string };

describe('federa replay of a recording of the demo shop on process hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'federa-replay-layers-'));
  const recordingFile = join(dir, 'shop.ndjson');
  const planes: Plane[] = [];
  let drained = '';

  /**
   * The moves of a target's log, and the instances the target had placed on the drained host before
   * its drain that no move took away. Placement may choose other hosts in the target than in the
   * recording (ids and hosts are not compared), so the drained host may have held less, or nothing.
   */
  async function movesOffDrained(
    plane: ControlPlane,
  ): Promise<{ all: Awaited<ReturnType<ControlPlane['events']>>; stayed: string[] }> {
    const drainAt = (await plane.events(['HostDrainStarted'])).find(
      (e) => e.data.host === drained,
    )!.position;
    const all = await plane.events(['MigrationStarted']);
    const moved = new Set(all.map((move) => move.data.instance as string));
    const stayed = (await plane.events(['InstancePlaced']))
      .filter((e) => e.data.host === drained && e.position < drainAt)
      .map((e) => e.data.instance as string)
      .filter((instance) => !moved.has(instance));
    return { all, stayed };
  }

  beforeAll(async () => {
    const recorded = await startPlane('replay_shop_rec', demoHosts);
    planes.push(recorded);
    const { plane } = recorded;
    await eventually(async () => {
      const listed = (await plane.call('GET', '/v1/hosts')).json.items as { state: string }[];
      return listed.length === 4 && listed.every((h) => h.state === 'ready');
    }, 60_000);
    const shopState = async () => (await plane.call('GET', '/v1/services/shop')).json.state;
    expect(
      (await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);
    await eventually(async () => (await shopState()) === 'available', 90_000, 250);
    // The host of catalog-db is drained (its data moves with it), unless it also holds payment,
    // which may not move: then a host of web alone.
    const placed = (await plane.call('GET', '/v1/instances?service=shop')).json.items as Instance[];
    const hostsOf = (app: string) => placed.filter((i) => i.app === app).map((i) => i.host);
    const paymentHost = hostsOf('payment')[0];
    drained =
      [...hostsOf('catalog-db'), ...hostsOf('web')].find(
        (host): host is string => host !== null && host !== paymentHost,
      ) ?? '';
    expect(drained).not.toBe('');
    expect((await plane.call('POST', `/v1/hosts/${drained}/drain`, {})).status).toBe(200);
    await eventually(
      async () =>
        (await plane.call('GET', `/v1/hosts/${drained}`)).json.state === 'drained' &&
        (await shopState()) === 'available',
      90_000,
      250,
    );
    const exported = await runCliCommand(
      eventsCommand(),
      ['export', '--to', recordingFile],
      gatewayOf(plane),
    );
    expect(exported.exitCode).toBe(0);
    // The recording's agents and their workloads are done with: the replay has the cores.
    await recorded.close();
    planes.splice(planes.indexOf(recorded), 1);
  }, 240_000);

  afterAll(async () => {
    for (const plane of planes) await plane.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Replays `file` into a new plane of no hosts; answers the report, the output and the plane. */
  const replayInto = async (label: string, file: string) => {
    const target = await startPlane(label, []);
    planes.push(target);
    const result = await runCliCommand(
      replayCommand(),
      [
        file,
        '--nats',
        natsUrl,
        '--subject-prefix',
        target.plane.prefix,
        '--heartbeat-ms',
        String(heartbeatMs),
        // At the recorded pace, not --max: the drain then comes once the shop runs, as recorded,
        // and moves its instances, rather than finding an empty host.
        '--timeout',
        '60s',
        '-o',
        'json',
      ],
      gatewayOf(target.plane),
    );
    const line = result.printed
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1);
    const report = JSON.parse(line ?? '{}');
    return { target, result, report };
  };

  /** The replay's exit code and differences, and why instances failed when it found some. */
  const verdictOf = async ({ target, result, report }: Awaited<ReturnType<typeof replayInto>>) => {
    // On a failure, why the target's instances failed says more than their counts.
    const failed =
      result.exitCode === 0
        ? []
        : (await target.plane.call('GET', '/v1/instances?state=failed')).json.items.map(
            (i: { reason?: string }) => i.reason,
          );
    return { exitCode: result.exitCode, differences: report.difference_list, failed };
  };

  it('replays it on simulated hosts that offer the process layer: exit 0, no differences, the service probe dropped and said so', async () => {
    const replayed = await replayInto('replay_shop_tgt', recordingFile);
    const { target, result, report } = replayed;
    expect(await verdictOf(replayed)).toEqual({ exitCode: 0, differences: [], failed: [] });
    expect(report).toMatchObject({
      differences: 0,
      settled: true,
      rewrites: [
        'replay: shop: service probe dropped: its workloads are simulated',
        'replay: shop/web: simulated load held at 0.5: its recorded scaling is not re-driven',
      ],
    });
    expect(result.printed).toContain(
      'replay: shop: service probe dropped: its workloads are simulated',
    );
    // The simulated hosts offered the recorded layer, and the shop ran on them: it was placed
    // there and the drained host was drained again, moving what it held.
    expect((await movesOffDrained(target.plane)).stayed).toEqual([]);
    const host = (await target.plane.call('GET', `/v1/hosts/${drained}`)).json;
    expect(host).toMatchObject({ state: 'drained', layers: ['process'] });
    const instances = (await target.plane.call('GET', '/v1/instances?service=shop')).json
      .items as Instance[];
    expect(
      instances
        .filter((i) => i.state === 'healthy')
        .map((i) => i.app)
        .sort(),
    ).toEqual(['catalog-db', 'payment', 'web', 'web']);
  });

  it('replays the same fleet recorded as qemu hosts with the same outcome, its drain moving instances live between simulated hosts', async () => {
    // The recording as a production fleet of qemu hosts would have made it: every host, application
    // and instance of the qemu layer (the artifacts stay as recorded: simulated, nothing runs them).
    const qemuFile = join(dir, 'shop-qemu.ndjson');
    const lines = readFileSync(recordingFile, 'utf8').trim().split('\n');
    writeFileSync(
      qemuFile,
      `${lines
        .map((line, i) => {
          if (i === 0) return line;
          const event = JSON.parse(line);
          if (event.type === 'HostRegistered') event.data.layers = ['qemu'];
          if (event.type === 'InstanceRequested') event.data.layer = 'qemu';
          for (const app of event.data.spec?.spec?.applications ?? []) app.layer = 'qemu';
          return JSON.stringify(event);
        })
        .join('\n')}\n`,
    );
    const replayed = await replayInto('replay_shop_qemu', qemuFile);
    expect(await verdictOf(replayed)).toEqual({ exitCode: 0, differences: [], failed: [] });
    const { plane } = replayed.target;
    expect((await plane.call('GET', `/v1/hosts/${drained}`)).json).toMatchObject({
      state: 'drained',
      layers: ['qemu'],
    });
    const moves = await movesOffDrained(plane);
    expect(moves.stayed).toEqual([]);
    expect(moves.all.every((move) => move.data.live === true)).toBe(true);
  });
});
