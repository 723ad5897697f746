// Worst case: three planes in this process (about 10 s each to start), one recording (~30 s under
// load), a replay bounded by --timeout 60s and one by 20s (its recorded failure waits up to 20 s for an
// instance to fail, then the target up to 20 s to rest), a replay whose hosts do not register in its
// 5 s, two refusals that change nothing: under 4 min.
import type { INestMicroservice } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import { SimFleet } from '../services/agent/src';
import { eventsCommand } from '../cli/src/commands/events';
import { replayCommand } from '../cli/src/commands/replay';
import { hostConfig } from './agent-harness';
import { runCliCommand } from './cli-in-process';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { apiToken, natsUrl, startControlPlane, type ControlPlane } from './supervision-harness';

jest.setTimeout(240_000);

// Inventory suspects a host only after several seconds of silence and declares it down after a
// minute: two cores shared by several suites may delay heartbeats, and a host placement passes over
// meanwhile fails instances, a difference neither the recording nor the replay caused.
const heartbeatMs = 2_000;
const fleetOptions = { heartbeatMs, downAfterMs: 60_000 };

/** A service of one sim application with `replicas` instances. */
const spec = (name: string, replicas: number) => ({
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    applications: [
      {
        name: 'web',
        layer: 'sim',
        resources: { cpu: '500m', memory: '256Mi' },
        replicas: { min: replicas, max: replicas },
      },
    ],
  },
});

/** A control plane with inventory, placement and migration beside supervision and the gateway. */
interface Plane {
  plane: ControlPlane;
  fleet: Fleet;
  migration: INestMicroservice;
  close(): Promise<void>;
}

async function startPlane(label: string): Promise<Plane> {
  const plane = await startControlPlane(label);
  const fleet = await Fleet.start(plane, [], fleetOptions);
  const migration = await startMigrationService({
    ...process.env,
    FEDERA_DATABASE_URL: plane.database.url,
    FEDERA_NATS_URL: plane.settings.natsUrl,
    FEDERA_SUBJECT_PREFIX: plane.prefix,
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

const replayArgs = (file: string, plane: ControlPlane, ...extra: string[]) => [
  file,
  '--nats',
  natsUrl,
  '--subject-prefix',
  plane.prefix,
  '--heartbeat-ms',
  String(heartbeatMs),
  ...extra,
];

const lastJsonLine = (printed: string) => {
  const line = printed
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  return JSON.parse(line ?? '{}');
};

describe('federa events export and federa replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'federa-replay-'));
  const recordingFile = join(dir, 'recording.ndjson');
  const planes: Plane[] = [];
  let recorded: Plane;
  let hosts: SimFleet | undefined;

  beforeAll(async () => {
    recorded = await startPlane('replay_rec');
    planes.push(recorded);
    const { plane } = recorded;
    hosts = await SimFleet.start({
      config: hostConfig('rec', ['sim']),
      count: 0,
      hosts: ['rec-1', 'rec-2', 'rec-3'].map((host) => ({ config: hostConfig(host, ['sim']) })),
      natsUrl,
      subjectPrefix: plane.prefix,
      heartbeatMs,
      logger: require('pino').pino({ level: 'silent' }),
    });
    await hosts.registered;
    await eventually(async () => {
      const listed = (await plane.call('GET', '/v1/hosts')).json.items as { state: string }[];
      return listed.length === 3 && listed.every((h) => h.state === 'ready');
    }, 60_000);
    const serviceState = async (name: string) =>
      (await plane.call('GET', `/v1/services/${name}`)).json.state;
    // rec-3 is cordoned before anything is placed, so that its drain is the same wherever
    // placement puts the instances, in the recording and in the replay.
    expect((await plane.call('POST', '/v1/hosts/rec-3/cordon', {})).status).toBe(200);
    for (const [name, replicas] of [
      ['alpha', 2],
      ['beta', 1],
    ] as const) {
      expect((await plane.call('PUT', `/v1/services/${name}`, spec(name, replicas))).status).toBe(
        200,
      );
      // 503 says "retry" (a service of the plane still starting under load): the CLI would retry too.
      let deploy = await plane.call('POST', `/v1/services/${name}/deploy`);
      for (let attempt = 0; deploy.status === 503 && attempt < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        deploy = await plane.call('POST', `/v1/services/${name}/deploy`);
      }
      expect({ status: deploy.status, body: deploy.json }).toMatchObject({ status: 202 });
    }
    await eventually(async () => (await serviceState('alpha')) === 'available', 90_000, 250);
    await eventually(async () => (await serviceState('beta')) === 'available', 90_000, 250);
    // One alpha instance dies (its agent reports it failed); supervision replaces it.
    expect(hosts.failInstanceOf('alpha', 'web')).toBeDefined();
    await eventually(
      async () =>
        (await plane.events(['InstanceFailed'])).length === 1 &&
        (await plane.call('GET', '/v1/instances?service=alpha')).json.items.filter(
          (i: { state: string }) => i.state === 'healthy',
        ).length === 2 &&
        (await serviceState('alpha')) === 'available',
      90_000,
      250,
    ).catch(async (error) => {
      const all = (await plane.call('GET', '/v1/instances?service=alpha&state=failed')).json;
      const events = (await plane.events()).filter((e) => e.streamId.startsWith('instance-alpha'));
      throw new Error(
        `${error}: ${JSON.stringify(all)} ${JSON.stringify(events.map((e) => [e.streamId, e.type]))}`,
      );
    });
    expect((await plane.call('POST', '/v1/services/beta/stop')).status).toBe(202);
    await eventually(async () => (await serviceState('beta')) === 'stopped', 90_000, 250);
    expect((await plane.call('POST', '/v1/hosts/rec-3/drain', {})).status).toBe(200);
    await eventually(
      async () => (await plane.call('GET', '/v1/hosts/rec-3')).json.state === 'drained',
      90_000,
      250,
    );
    const exported = await runCliCommand(
      eventsCommand(),
      ['export', '--to', recordingFile],
      gatewayOf(plane),
    );
    expect(exported.exitCode).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await hosts?.stop();
    for (const plane of planes) await plane.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the log behind a header that names its source and counts its events', () => {
    const lines = readFileSync(recordingFile, 'utf8').trim().split('\n');
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({ kind: 'federa-export', version: 1, after: 0 });
    expect(header.source).toBe(recorded.plane.gateway.url);
    expect(header.events).toBe(lines.length - 1);
    const positions = lines.slice(1).map((line) => JSON.parse(line).position as number);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(header.head).toBe(positions.at(-1));
  });

  it('replays the recording into a second, empty Federa with the same outcome: exit 0, no differences', async () => {
    const target = await startPlane('replay_tgt');
    planes.push(target);
    const result = await runCliCommand(
      replayCommand(),
      replayArgs(recordingFile, target.plane, '--max', '--timeout', '60s', '-o', 'json'),
      gatewayOf(target.plane),
    );
    const report = lastJsonLine(result.printed);
    // On a failure, why the target's instances failed says more than their counts.
    const failed =
      result.exitCode === 0
        ? []
        : (await target.plane.call('GET', '/v1/instances?state=failed')).json.items.map(
            (i: { reason?: string }) => i.reason,
          );
    expect({
      exitCode: result.exitCode,
      differences: report.difference_list,
      failed,
    }).toEqual({ exitCode: 0, differences: [], failed: [] });
    expect(report).toMatchObject({ differences: 0, settled: true });
    expect(report.events).toBeGreaterThan(0);
    expect(report.events_per_s).toBeGreaterThan(0);
    expect(typeof report.lag_p99_ms).toBe('number');
    expect(typeof report.latency_p99_ms).toBe('number');
    expect(report).toMatchObject({ refused: 0, refused_steps: [], rest_failed: 0 });
    expect(typeof report.lag_missing).toBe('number');
    // The services did the work again: the target's own log has the instances' lives (alpha's
    // two, beta's and the replacement of the alpha instance that failed).
    const placed = await target.plane.events(['InstancePlaced']);
    expect(placed).toHaveLength(4);
    // And the recorded failure happened again: one alpha instance failed, reported by its agent.
    const failures = await target.plane.events(['InstanceFailed']);
    expect(failures).toHaveLength(1);
  });

  it('prints the differences and exits 4 when the replayed hosts cannot hold what was recorded', async () => {
    const target = await startPlane('replay_small');
    planes.push(target);
    // The same recording, with every host registered at a tenth of a core: alpha and beta no longer fit.
    const small = join(dir, 'small-hosts.ndjson');
    const lines = readFileSync(recordingFile, 'utf8').trim().split('\n');
    writeFileSync(
      small,
      `${lines
        .map((line, i) => {
          if (i === 0) return line;
          const event = JSON.parse(line);
          if (event.type === 'HostRegistered') event.data.capacity.cpuMillis = 100;
          return JSON.stringify(event);
        })
        .join('\n')}\n`,
    );
    const result = await runCliCommand(
      replayCommand(),
      replayArgs(small, target.plane, '--max', '--timeout', '20s'),
      gatewayOf(target.plane),
    );
    expect(result.exitCode).toBe(4);
    expect(result.printed).toMatch(/differences: [1-9]/);
    expect(result.printed).toMatch(/service alpha: recorded available, replayed \S+/);
  });

  it('refuses a target that already holds services or hosts, naming them, and changes nothing there', async () => {
    const { plane } = recorded;
    const before = (await plane.events()).length;
    const result = await runCliCommand(
      replayCommand(),
      replayArgs(recordingFile, plane, '--max'),
      gatewayOf(plane),
    );
    expect(result.exitCode).toBe(4);
    expect(result.printed).toMatch(/already holds services \(alpha, beta\) and hosts \(rec-1/);
    expect(result.printed).toContain('--force');
    expect((await plane.events()).length).toBe(before);
  });

  it('ends with exit 5 when its simulated hosts do not register within --timeout, naming the NATS URL and the prefix', async () => {
    const { plane } = recorded;
    const before = (await plane.events()).length;
    const wrong = `${plane.prefix}x`;
    const result = await runCliCommand(
      replayCommand(),
      replayArgs(recordingFile, plane, '--force', '--subject-prefix', wrong, '--timeout', '5s'),
      gatewayOf(plane),
    );
    expect(result.exitCode).toBe(5);
    expect(result.printed).toMatch(
      new RegExp(
        `simulated hosts not registered within 5s on NATS \\S+ under subject prefix ${wrong}`,
      ),
    );
    expect((await plane.events()).length).toBe(before);
  });

  it('refuses a file that is not a recording, naming the line and the field, before doing anything', async () => {
    const garbage = join(dir, 'garbage.ndjson');
    const [header, first] = readFileSync(recordingFile, 'utf8').split('\n');
    writeFileSync(garbage, `${header}\n${first}\nnot json at all\n`);
    const { plane } = recorded;
    const before = (await plane.events()).length;
    const result = await runCliCommand(
      replayCommand(),
      replayArgs(garbage, plane, '--force'),
      gatewayOf(plane),
    );
    expect(result.exitCode).toBe(2);
    expect(result.printed).toContain('line 3: line: not JSON');
    expect((await plane.events()).length).toBe(before);
  });
});
