// Two real agents on a bus with credentials and permissions (docs/security/host-isolation.md): each
// serves its workloads the discovery keys of its own host only, exports to and imports from its own
// data bucket, and a move of data between them works once the trusted side copies it; the server
// refuses nothing they do.
import { rmSync } from 'node:fs';
import { busIdentity, Subjects, type ServiceEndpoints } from '@federa/contracts';
import { copyStoredData, openKeyValueBucket } from '@federa/messaging';
import { eventually, itWhen, natsServerBinary } from '@federa/testing';
import type { KV, NatsConnection } from 'nats';
import pino from 'pino';
import { Agent } from '../services/agent/src';
import {
  answerRegistrations,
  appSpec,
  hostConfig,
  killGroup,
  persistedHandle,
  recordBus,
  repoRoot,
  sendCommand,
  tempDir,
} from './agent-harness';
import { AuthenticatedBus } from './bus-auth-fixture';

jest.setTimeout(180_000);

const skip = natsServerBinary() ? undefined : 'no nats-server binary on this machine';
const hosts = ['iso-a', 'iso-b'] as const;

const set = (service: string, version: number): ServiceEndpoints => ({
  service,
  version,
  updatedAt: version,
  applications: [{ name: 'db', instances: [] }],
});

async function served(agent: Agent, service: string): Promise<number> {
  const answer = await fetch(agent.discoveryUrlOf(service));
  return ((await answer.json()) as ServiceEndpoints).version;
}

async function http(port: number, method: string, path: string, body?: string) {
  const answer = await fetch(`http://127.0.0.1:${port}${path}`, { method, body });
  return { status: answer.status, body: await answer.text() };
}

describe('agents under their bus permissions', () => {
  let bus: AuthenticatedBus;
  let subjects: Subjects;
  let plane: NatsConnection;
  let inventory: NatsConnection;
  let kv: KV;
  let reports: ReturnType<typeof recordBus>;
  const agents = new Map<string, { agent: Agent; dir: string; epoch: number }>();
  const pids: number[] = [];
  const saved = process.env.FEDERA_NATS_CREDENTIALS;

  /** The server's permission refusals of the agent of `host`. */
  const violations = (host: string) =>
    bus.log
      .join('')
      .split('\n')
      .filter((line) => line.includes(`federa-agent-${host}`) && / Violation - /.test(line));

  const outcome = (commandId: string) =>
    reports.reports.find(
      (r) => r.commandId === commandId && (r.status === 'succeeded' || r.status === 'failed'),
    );

  async function command(host: string, commandId: string, body: Record<string, unknown>) {
    const reply = await sendCommand(plane, subjects, host, {
      commandId,
      epoch: agents.get(host)!.epoch,
      ...body,
    });
    expect(reply).toMatchObject({ ok: true });
    return eventually(() => outcome(commandId), 60_000);
  }

  beforeAll(async () => {
    if (skip) return;
    bus = await AuthenticatedBus.start('isoagents', [...hosts]);
    subjects = new Subjects(bus.prefix);
    inventory = await bus.connectAs(busIdentity('service', 'inventory'));
    answerRegistrations(inventory, subjects, 1, { dataBuckets: true });
    plane = await bus.connectAs(busIdentity('service', 'supervision'));
    reports = recordBus(plane, subjects);
    // Supervision creates the discovery bucket: an agent may only open it.
    kv = await openKeyValueBucket(plane, subjects.discoveryBucket);
    for (const host of hosts) {
      // Read when the agent connects: each agent its own seed.
      process.env.FEDERA_NATS_CREDENTIALS = bus.seedOf('agent', host);
      const dir = tempDir(host);
      const agent = await Agent.start({
        config: hostConfig(host),
        dataDir: dir,
        natsUrl: bus.url,
        subjectPrefix: bus.prefix,
        heartbeatMs: 250,
        cwd: repoRoot,
        logger: pino({ level: 'silent' }),
      });
      agents.set(host, { agent, dir, epoch: await agent.whenRegistered() });
      await agent.whenWatchingEndpoints();
    }
  });

  afterAll(async () => {
    for (const { agent, dir } of agents.values()) {
      await agent.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    for (const pid of pids) killGroup(pid);
    if (saved === undefined) delete process.env.FEDERA_NATS_CREDENTIALS;
    else process.env.FEDERA_NATS_CREDENTIALS = saved;
    await plane?.close();
    await inventory?.close();
    await bus?.dispose();
  });

  itWhen(skip)(
    "serve each host's workloads the keys of that host, and nothing of another's",
    async () => {
      const a = agents.get('iso-a')!.agent;
      const b = agents.get('iso-b')!.agent;
      await kv.put(subjects.discoveryKey('iso-a', 'shop'), JSON.stringify(set('shop', 3)));
      await kv.put(subjects.discoveryKey('iso-b', 'shop'), JSON.stringify(set('shop', 4)));
      await kv.put(subjects.discoveryKey('iso-b', 'bank'), JSON.stringify(set('bank', 5)));
      await eventually(async () => (await served(a, 'shop')) === 3, 30_000);
      await eventually(async () => (await served(b, 'bank')) === 5, 30_000);
      expect(await served(b, 'shop')).toBe(4);
      // An unknown service answers the empty set, version 0: A never learns the bank's endpoints.
      expect(await served(a, 'bank')).toBe(0);
      for (const host of hosts) expect(violations(host)).toEqual([]);
    },
  );

  itWhen(skip)(
    'export to and import from their own buckets: data moves once the trusted side copies it',
    async () => {
      const a = agents.get('iso-a')!;
      const b = agents.get('iso-b')!;
      await command('iso-a', 'a-start', { type: 'start', spec: appSpec('kv-1') });
      await eventually(() =>
        reports.reports.some(
          (r) => r.host === 'iso-a' && r.instance === 'kv-1' && r.state === 'healthy',
        ),
      );
      const source = persistedHandle(a.dir, 'kv-1');
      pids.push(source.pid);
      expect((await http(source.port, 'PUT', '/kv/answer', 'forty-two')).status).toBe(200);
      await command('iso-a', 'a-stop', { type: 'stop', instance: 'kv-1', graceMs: 2000 });
      expect(
        await command('iso-a', 'a-export', {
          type: 'export-data',
          instance: 'kv-1',
          key: 'kv-1/m-1',
        }),
      ).toMatchObject({ status: 'succeeded' });
      // B's agent cannot read A's bucket: until the copy, its import finds nothing.
      expect(
        await command('iso-b', 'b-import-early', {
          type: 'import-data',
          spec: appSpec('kv-1'),
          key: 'kv-1/m-1',
        }),
      ).toMatchObject({ status: 'failed' });
      await copyStoredData(
        plane.jetstream(),
        subjects.dataBucketOf('iso-a'),
        subjects.dataBucketOf('iso-b'),
        'kv-1/m-1',
      );
      expect(
        await command('iso-b', 'b-import', {
          type: 'import-data',
          spec: appSpec('kv-1'),
          key: 'kv-1/m-1',
        }),
      ).toMatchObject({ status: 'succeeded' });
      await command('iso-b', 'b-start', { type: 'start', spec: appSpec('kv-1') });
      await eventually(() =>
        reports.reports.some(
          (r) => r.host === 'iso-b' && r.instance === 'kv-1' && r.state === 'healthy',
        ),
      );
      const moved = persistedHandle(b.dir, 'kv-1');
      pids.push(moved.pid);
      expect(await http(moved.port, 'GET', '/kv/answer')).toEqual({
        status: 200,
        body: 'forty-two',
      });
      for (const host of hosts) expect(violations(host)).toEqual([]);
    },
  );
});
