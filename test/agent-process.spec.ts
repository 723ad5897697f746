import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { Subjects } from '@federa/contracts';
import { copyStoredData } from '@federa/messaging';
import { eventually, uniquePrefix } from '@federa/testing';
import type { NatsConnection } from 'nats';
import type { Agent } from '../services/agent/src';
import {
  answerRegistrations,
  appSpec,
  connectTo,
  isAlive,
  killGroup,
  persistedHandle,
  recordBus,
  sendCommand,
  startAgent,
  tempDir,
} from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

function http(
  port: number,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

jest.setTimeout(60_000);

describe('host agent with the process layer', () => {
  const prefix = uniquePrefix('agent');
  const subjects = new Subjects(prefix);
  let nc: NatsConnection;
  let bus: ReturnType<typeof recordBus>;
  let registry: ReturnType<typeof answerRegistrations>;
  const agents: Agent[] = [];
  const dirs: string[] = [];
  const pids: number[] = [];

  beforeAll(async () => {
    nc = await connectTo(NATS_URL);
    registry = answerRegistrations(nc, subjects, 5, { dataBuckets: true });
    bus = recordBus(nc, subjects);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    for (const pid of pids) killGroup(pid);
    await nc.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function agentOn(
    host: string,
    dir = tempDir(host),
  ): Promise<{ agent: Agent; dir: string; epoch: number }> {
    dirs.push(dir);
    const agent = await startAgent(host, dir, NATS_URL, prefix);
    agents.push(agent);
    return { agent, dir, epoch: await agent.whenRegistered() };
  }

  const stateReports = (host: string, instance: string) =>
    bus.reports
      .filter((r) => r.host === host && r.kind === 'instance' && r.instance === instance)
      .map((r) => r.state);
  const outcome = (commandId: string) =>
    bus.reports.find(
      (r) => r.commandId === commandId && (r.status === 'succeeded' || r.status === 'failed'),
    );

  it('runs a real app until it is healthy, heartbeats its load, and stops it on command', async () => {
    const { dir, epoch } = await agentOn('proc-a');
    const start = await sendCommand(nc, subjects, 'proc-a', {
      commandId: 'a-start',
      epoch,
      type: 'start',
      spec: appSpec('web-1', 'web'),
    });
    expect(start).toMatchObject({ ok: true, result: { accepted: true, instance: 'web-1' } });
    await eventually(() => stateReports('proc-a', 'web-1').includes('healthy'));
    const { pid, port } = persistedHandle(dir, 'web-1');
    pids.push(pid);
    expect(await http(port, 'POST', '/load', '{"load":0.8}')).toMatchObject({ status: 200 });
    await eventually(() =>
      bus.heartbeats.some(
        (h) =>
          h.host === 'proc-a' && h.instances.some((i) => i.instance === 'web-1' && i.load === 0.8),
      ),
    );
    const heartbeat = bus.heartbeats.filter((h) => h.host === 'proc-a').at(-1) as Record<
      string,
      unknown
    >;
    expect(heartbeat).toMatchObject({
      epoch,
      intervalMs: 200,
      usage: { memoryBytes: expect.any(Number) },
    });

    expect(
      await sendCommand(nc, subjects, 'proc-a', {
        commandId: 'a-stop',
        epoch,
        type: 'stop',
        instance: 'web-1',
        graceMs: 2000,
      }),
    ).toMatchObject({ ok: true });
    await eventually(() => outcome('a-stop')?.status === 'succeeded');
    expect(stateReports('proc-a', 'web-1')).toEqual([
      'starting',
      'running',
      'healthy',
      'stopping',
      'stopped',
    ]);
    expect(isAlive(pid)).toBe(false);
  });

  it('moves an instance’s data to another agent through the object store', async () => {
    const source = await agentOn('proc-src');
    const target = await agentOn('proc-dst');
    await sendCommand(nc, subjects, 'proc-src', {
      commandId: 'm-start',
      epoch: source.epoch,
      type: 'start',
      spec: appSpec('kv-1'),
    });
    await eventually(() => stateReports('proc-src', 'kv-1').includes('healthy'));
    const { port, pid } = persistedHandle(source.dir, 'kv-1');
    pids.push(pid);
    expect((await http(port, 'PUT', '/kv/answer', 'forty-two')).status).toBe(200);
    await sendCommand(nc, subjects, 'proc-src', {
      commandId: 'm-stop',
      epoch: source.epoch,
      type: 'stop',
      instance: 'kv-1',
    });
    await eventually(() => outcome('m-stop'));

    await sendCommand(nc, subjects, 'proc-src', {
      commandId: 'm-export',
      epoch: source.epoch,
      type: 'export-data',
      instance: 'kv-1',
      key: 'kv-1/v1',
    });
    const exported = await eventually(() => outcome('m-export'), 20_000);
    expect(exported).toMatchObject({
      status: 'succeeded',
      result: { key: 'kv-1/v1', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    // Each agent reads its own host's bucket: the trusted side copies (as the migration saga does).
    await copyStoredData(
      nc.jetstream(),
      subjects.dataBucketOf('proc-src'),
      subjects.dataBucketOf('proc-dst'),
      'kv-1/v1',
    );

    await sendCommand(nc, subjects, 'proc-dst', {
      commandId: 'm-import',
      epoch: target.epoch,
      type: 'import-data',
      spec: appSpec('kv-1'),
      key: 'kv-1/v1',
    });
    expect(await eventually(() => outcome('m-import'), 20_000)).toMatchObject({
      status: 'succeeded',
    });
    await sendCommand(nc, subjects, 'proc-dst', {
      commandId: 'm-start-2',
      epoch: target.epoch,
      type: 'start',
      spec: appSpec('kv-1'),
    });
    await eventually(() => stateReports('proc-dst', 'kv-1').includes('healthy'));
    const moved = persistedHandle(target.dir, 'kv-1');
    pids.push(moved.pid);
    expect(await http(moved.port, 'GET', '/kv/answer')).toEqual({ status: 200, body: 'forty-two' });
  });

  it('refuses a command of a stale epoch and starts nothing', async () => {
    const { epoch } = await agentOn('proc-fenced');
    expect(epoch).toBeGreaterThan(1);
    const reply = await sendCommand(nc, subjects, 'proc-fenced', {
      commandId: 'f-1',
      epoch: epoch - 1,
      type: 'start',
      spec: appSpec('web-f', 'web'),
    });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'stale_epoch', details: [{ path: 'epoch' }] },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(stateReports('proc-fenced', 'web-f')).toEqual([]);
  });

  it('acts once on a command id sent twice and answers the repeat with the first answer', async () => {
    const { epoch, dir } = await agentOn('proc-dup');
    const command = { commandId: 'd-1', epoch, type: 'start', spec: appSpec('web-d', 'web') };
    const [first, second] = await Promise.all([
      sendCommand(nc, subjects, 'proc-dup', command),
      sendCommand(nc, subjects, 'proc-dup', command),
    ]);
    await eventually(() => stateReports('proc-dup', 'web-d').includes('healthy'));
    pids.push(persistedHandle(dir, 'web-d').pid);
    const third = await sendCommand(nc, subjects, 'proc-dup', command);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    await new Promise((r) => setTimeout(r, 300));
    expect(stateReports('proc-dup', 'web-d').filter((s) => s === 'starting')).toHaveLength(1);
    expect(
      bus.reports.filter((r) => r.commandId === 'd-1' && r.status === 'succeeded'),
    ).toHaveLength(1);
  });

  it('refuses a malformed command naming the wrong fields', async () => {
    const { epoch } = await agentOn('proc-bad');
    const reply = await sendCommand(nc, subjects, 'proc-bad', {
      commandId: 'b-1',
      epoch,
      type: 'start',
      spec: { ...appSpec('web-b', 'web'), resources: { cpuMillis: 'lots' } },
    });
    expect(reply.ok).toBe(false);
    const paths = (reply as { error: { details: Array<{ path: string }> } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining(['spec.resources.cpuMillis', 'spec.resources.memoryBytes']),
    );
    const unknownType = await sendCommand(nc, subjects, 'proc-bad', {
      commandId: 'b-2',
      epoch,
      type: 'reboot',
    });
    expect(unknownType).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: [{ path: 'type' }] },
    });
    const badArtifact = await sendCommand(nc, subjects, 'proc-bad', {
      commandId: 'b-3',
      epoch,
      type: 'start',
      spec: { ...appSpec('web-b', 'web'), artifact: { command: [] } },
    });
    expect(badArtifact).toMatchObject({
      ok: false,
      error: { details: [{ path: 'spec.artifact.command' }] },
    });
  });

  it('re-adopts a process that kept running across its own restart and reports one that died', async () => {
    const first = await agentOn('proc-restart');
    for (const instance of ['kv-r1', 'kv-r2']) {
      await sendCommand(nc, subjects, 'proc-restart', {
        commandId: `r-${instance}`,
        epoch: first.epoch,
        type: 'start',
        spec: appSpec(instance),
      });
    }
    await eventually(
      () =>
        stateReports('proc-restart', 'kv-r1').includes('healthy') &&
        stateReports('proc-restart', 'kv-r2').includes('healthy'),
    );
    const survivor = persistedHandle(first.dir, 'kv-r1');
    const victim = persistedHandle(first.dir, 'kv-r2');
    pids.push(survivor.pid, victim.pid);
    await first.agent.stop();
    killGroup(victim.pid);
    await eventually(() => !isAlive(victim.pid));
    expect(isAlive(survivor.pid)).toBe(true);

    const second = await agentOn('proc-restart', first.dir);
    expect(second.epoch).toBeGreaterThan(first.epoch);
    expect(
      registry.registrations.filter((r) => r.host === 'proc-restart').at(-1)?.instances,
    ).toEqual(
      expect.arrayContaining([expect.objectContaining({ instance: 'kv-r1', state: 'healthy' })]),
    );
    await eventually(() =>
      bus.reports.some(
        (r) => r.runId === second.agent.runId && r.instance === 'kv-r2' && r.state === 'failed',
      ),
    );
    expect(
      bus.reports.find((r) => r.runId === second.agent.runId && r.instance === 'kv-r1'),
    ).toMatchObject({ detail: 'adopted after an agent restart' });
    const probe = await sendCommand(nc, subjects, 'proc-restart', {
      commandId: 'r-probe',
      epoch: second.epoch,
      type: 'probe',
      instance: 'kv-r1',
    });
    expect(probe).toMatchObject({ ok: true, result: { probe: { healthy: true } } });
    await sendCommand(nc, subjects, 'proc-restart', {
      commandId: 'r-stop',
      epoch: second.epoch,
      type: 'stop',
      instance: 'kv-r1',
    });
    await eventually(() => !isAlive(survivor.pid));
  });
});
