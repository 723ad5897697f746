// Worst case: three agent restarts and one agent process (~10 s to start under load), each workload
// a small node app; every wait is bounded by `eventually` (10 s) or the 30 s an agent child gets to
// register: about 2 min, well under the file's timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, WorkloadVariables, type InstanceSpecPayload } from '@federa/contracts';
import { eventually, freePort, uniquePrefix } from '@federa/testing';
import type { NatsConnection } from 'nats';
import type { Agent } from '../services/agent/src';
import { instanceSpecOf } from '../services/agent/src/domain/instance-spec';
import {
  answerRegistrations,
  appSpec,
  connectTo,
  killGroup,
  persistedHandle,
  recordBus,
  repoRoot,
  sendCommand,
  startAgent,
  tempDir,
} from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(180_000);

/**
 * The pids of every live process (not a zombie) whose environment says it runs `instance` for the
 * agent of `dataDir`: what the process table holds of it, read independently of the agent's code.
 */
function workloadPids(dataDir: string, instance: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (state === 'Z' || state === 'X') continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (
        env.includes(`${WorkloadVariables.instance}=${instance}`) &&
        env.includes(`${WorkloadVariables.dataDir}=${join(dataDir, 'instances', instance, 'data')}`)
      )
        pids.push(pid);
    } catch {
      // Gone meanwhile, or another user's.
    }
  }
  return pids;
}

/**
 * Starts the example kv-store by hand as the agent of `dataDir` would have (detached, in a session
 * of its own, with the instance's identity and data dir): what an agent killed after starting a
 * workload and before saving its pid leaves behind, unknown to the table on disk.
 */
async function workloadByHand(dataDir: string, instance: string): Promise<number> {
  const dir = join(dataDir, 'instances', instance);
  for (const sub of ['data', 'home', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  const child = spawn(process.execPath, ['examples/apps/kv-store.js'], {
    cwd: repoRoot,
    detached: true,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      TMPDIR: join(dir, 'tmp'),
      [WorkloadVariables.port]: String(await freePort()),
      [WorkloadVariables.service]: 'shop',
      [WorkloadVariables.application]: 'kv-store',
      [WorkloadVariables.instance]: instance,
      [WorkloadVariables.dataDir]: join(dir, 'data'),
    },
  });
  child.unref();
  const pid = child.pid as number;
  await eventually(() => workloadPids(dataDir, instance).includes(pid));
  return pid;
}

/** The instance table a killed agent left: the instance saved `starting`, no pid yet. */
function tableSavedStarting(dataDir: string, instance: string): void {
  const spec = instanceSpecOf(appSpec(instance) as InstanceSpecPayload, join(dataDir, 'instances'));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, 'instances.json'),
    JSON.stringify({
      version: 1,
      instances: [{ spec, layer: 'process', state: 'starting', handle: {} }],
    }),
  );
}

describe('an agent restarted after being killed around a start', () => {
  const prefix = uniquePrefix('orphans');
  const subjects = new Subjects(prefix);
  let nc: NatsConnection;
  let bus: ReturnType<typeof recordBus>;
  let registry: ReturnType<typeof answerRegistrations>;
  const agents: Agent[] = [];
  const children: ChildProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    nc = await connectTo(NATS_URL);
    registry = answerRegistrations(nc, subjects, 1, { dataBuckets: true });
    bus = recordBus(nc, subjects);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop().catch(() => undefined);
    for (const child of children) child.kill('SIGKILL');
    // Every workload any agent of this file ran or was handed, whatever became of the agent.
    for (const dir of dirs) {
      for (const instance of readdirSync(join(dir, 'instances'), { withFileTypes: true }))
        for (const pid of workloadPids(dir, instance.name)) killGroup(pid);
    }
    await nc.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function newDataDir(label: string): string {
    const dir = tempDir(label);
    mkdirSync(join(dir, 'instances'), { recursive: true });
    dirs.push(dir);
    return dir;
  }

  async function agentOn(host: string, dir: string): Promise<{ agent: Agent; epoch: number }> {
    const agent = await startAgent(host, dir, NATS_URL, prefix);
    agents.push(agent);
    return { agent, epoch: await agent.whenRegistered() };
  }

  const statesOf = (agent: Agent, instance: string) =>
    bus.reports
      .filter((r) => r.runId === agent.runId && r.kind === 'instance' && r.instance === instance)
      .map((r) => r.state);

  it('adopts the workload its table expects but holds no pid of, and watches it until healthy', async () => {
    const dir = newDataDir('orphan-adopt');
    tableSavedStarting(dir, 'kv-o1');
    const pid = await workloadByHand(dir, 'kv-o1');

    const { agent } = await agentOn('orphan-adopt', dir);

    expect(workloadPids(dir, 'kv-o1')).toEqual([pid]);
    expect(persistedHandle(dir, 'kv-o1').pid).toBe(pid);
    await eventually(() => statesOf(agent, 'kv-o1').includes('healthy'));
    expect(statesOf(agent, 'kv-o1')).not.toContain('failed');
    expect(
      bus.reports.find((r) => r.runId === agent.runId && r.instance === 'kv-o1'),
    ).toMatchObject({ state: 'starting', detail: 'adopted after an agent restart' });
    expect(workloadPids(dir, 'kv-o1')).toEqual([pid]);
  });

  it('stops a second copy of an instance it runs and a workload of an instance it does not know', async () => {
    const dir = newDataDir('orphan-stop');
    const first = await agentOn('orphan-stop', dir);
    await sendCommand(nc, subjects, 'orphan-stop', {
      commandId: 'os-start',
      epoch: first.epoch,
      type: 'start',
      spec: appSpec('kv-o2'),
    });
    await eventually(() => statesOf(first.agent, 'kv-o2').includes('healthy'));
    const { pid } = persistedHandle(dir, 'kv-o2');
    await first.agent.stop();
    const copy = await workloadByHand(dir, 'kv-o2');
    const ghost = await workloadByHand(dir, 'kv-ghost');

    const second = await agentOn('orphan-stop', dir);

    // Stopped beside the registration, not before it: gone soon after, never announced.
    await eventually(
      () => workloadPids(dir, 'kv-o2').length === 1 && workloadPids(dir, 'kv-ghost').length === 0,
    );
    expect(workloadPids(dir, 'kv-o2')).toEqual([pid]);
    expect(workloadPids(dir, 'kv-ghost')).toEqual([]);
    expect(copy).not.toBe(pid);
    expect(ghost).not.toBe(pid);
    expect(
      registry.registrations.filter((r) => r.host === 'orphan-stop').at(-1)?.instances,
    ).toEqual([expect.objectContaining({ instance: 'kv-o2', state: 'healthy' })]);
    expect(statesOf(second.agent, 'kv-ghost')).toEqual([]);
  });

  let killAttempt = 0;

  it('runs exactly one workload of an instance after being SIGKILLed as it reported it running', async () => {
    // A host of its own per attempt: a retry must not take the first attempt's epoch.
    const host = `orphan-kill-${++killAttempt}`;
    const dir = newDataDir(host);
    const config = join(dir, 'host.yaml');
    writeFileSync(
      config,
      [
        `host: ${host}`,
        'site: geneva',
        'securityLevel: 3',
        'layers: [process]',
        'capacity: { cpu: 8, memory: 32Gi, storage: 500Gi, bandwidth: 10Gbps }',
        'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.10, networkGiB: 0.01 }',
        '',
      ].join('\n'),
    );
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'test', 'agent-cli-child.js'), '--config', config, '--data-dir', dir],
      {
        cwd: repoRoot,
        stdio: 'ignore',
        env: {
          ...process.env,
          FEDERA_NATS_URL: NATS_URL,
          FEDERA_SUBJECT_PREFIX: prefix,
          FEDERA_LEASE_DIR: join(dir, 'leases'),
          FEDERA_HEARTBEAT_MS: '200',
        },
      },
    );
    children.push(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Killed the moment its report that the instance runs reaches the bus.
    const reported = new Promise<void>((resolve) => {
      const subscription = nc.subscribe(subjects.agentReport(host), {
        callback: (_error, msg) => {
          const report = JSON.parse(new TextDecoder().decode(msg.data));
          if (report.instance !== 'kv-o3' || report.state !== 'running') return;
          child.kill('SIGKILL');
          subscription.unsubscribe();
          resolve();
        },
      });
    });
    await nc.flush();
    try {
      const epoch = await eventually(() => registry.epochOf(host), 60_000, 100);
      // Commands are subscribed to just after the registration is answered: until then, no
      // responders. Sent again with the same id, the start is acted on once.
      await eventually(
        () =>
          sendCommand(nc, subjects, host, {
            commandId: `${host}-start`,
            epoch,
            type: 'start',
            spec: appSpec('kv-o3'),
          }),
        30_000,
        100,
      );
      await reported;
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
    const running = workloadPids(dir, 'kv-o3');
    expect(running).toHaveLength(1);

    const restarted = await agentOn(host, dir);

    expect(workloadPids(dir, 'kv-o3')).toEqual(running);
    expect(persistedHandle(dir, 'kv-o3').pid).toBe(running[0]);
    await eventually(() => statesOf(restarted.agent, 'kv-o3').includes('healthy'));
    expect(statesOf(restarted.agent, 'kv-o3')).not.toContain('failed');
  });
});
