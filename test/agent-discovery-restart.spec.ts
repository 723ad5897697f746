import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, type ServiceEndpoints } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import type { KV, NatsConnection } from 'nats';
import { openKeyValueBucket } from '../libs/messaging/src/jetstream/key-value-bucket';
import {
  answerRegistrations,
  connectTo,
  killGroup,
  persistedHandle,
  recordBus,
  repoRoot,
  sendCommand,
  tempDir,
} from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(120_000);

function shop(version: number, port: number): ServiceEndpoints {
  return {
    service: 'shop',
    version,
    updatedAt: Date.now(),
    applications: [
      {
        name: 'payment',
        instances: [{ instance: 'payment-1', host: 'far', address: '192.0.2.9', port }],
      },
    ],
  };
}

/** One `federa-agent` process, its stderr (the log) kept. */
class AgentProcess {
  log = '';
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(config: string, dataDir: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(
      process.execPath,
      [join(repoRoot, 'test', 'agent-cli-child.js'), '--config', config, '--data-dir', dataDir],
      { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(url);
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

describe('discovery through an agent process that restarts', () => {
  const prefix = uniquePrefix('discorestart');
  const subjects = new Subjects(prefix);
  const dir = tempDir('disco-restart');
  const dataDir = join(dir, 'data');
  const config = join(dir, 'host.yaml');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    FEDERA_NATS_URL: NATS_URL,
    FEDERA_SUBJECT_PREFIX: prefix,
    FEDERA_HEARTBEAT_MS: '200',
    FEDERA_LEASE_DIR: join(dir, 'leases'),
    FEDERA_LOG_LEVEL: 'info',
    FEDERA_API_TOKEN: 'restart-test-secret',
    FEDERA_DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:5432/nothing',
  };
  let nc: NatsConnection;
  let kv: KV;
  let bus: ReturnType<typeof recordBus>;
  let registry: ReturnType<typeof answerRegistrations>;
  const agents: AgentProcess[] = [];
  let workloadPid: number | undefined;

  beforeAll(async () => {
    writeFileSync(
      config,
      [
        'host: disco-r',
        'site: geneva',
        'securityLevel: 3',
        'layers: [process]',
        'capacity: auto',
        'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 }',
        'address: 127.0.0.2',
        'discovery: { bind: 127.0.0.1 }',
        '',
      ].join('\n'),
    );
    nc = await connectTo(NATS_URL);
    registry = answerRegistrations(nc, subjects);
    bus = recordBus(nc, subjects);
    kv = await openKeyValueBucket(nc, subjects.discoveryBucket);
  });

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    if (workloadPid) killGroup(workloadPid);
    await kv?.destroy().catch(() => undefined);
    await nc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function startAgent(): AgentProcess {
    const agent = new AgentProcess(config, dataDir, env);
    agents.push(agent);
    return agent;
  }

  it("keeps the workload's discovery URL working across an agent restart, and refuses a malformed value in its log", async () => {
    const first = startAgent();
    await eventually(() => registry.epochOf('disco-r') !== undefined, 30_000);
    const reply = await sendCommand(nc, subjects, 'disco-r', {
      commandId: 'start-web-r',
      epoch: registry.epochOf('disco-r'),
      type: 'start',
      spec: {
        instance: 'web-r',
        service: 'shop',
        app: 'web',
        layer: 'process',
        artifact: { command: ['node', 'test/agent-discovery-app.js'] },
        resources: {
          cpuMillis: 100,
          memoryBytes: 1 << 26,
          storageBytes: 1 << 20,
          bandwidthBps: 1e6,
        },
        health: { http: { path: '/healthz' }, intervalMs: 200, failureThreshold: 2 },
        endpoints: shop(2, 9000),
      },
    });
    expect(reply).toMatchObject({ ok: true });
    await eventually(
      () => bus.reports.some((r) => r.instance === 'web-r' && r.state === 'healthy'),
      30_000,
    );
    const { pid, port } = persistedHandle(dataDir, 'web-r');
    workloadPid = pid;
    const running = bus.reports.find((r) => r.instance === 'web-r' && r.endpoint);
    expect(running?.endpoint).toEqual({ address: '127.0.0.2', port });
    const { body: env0 } = await getJson(`http://127.0.0.1:${port}/env`);
    expect(env0).toMatchObject({ FEDERA_ENDPOINTS_PAYMENT: '192.0.2.9:9000' });
    expect(env0).not.toHaveProperty('FEDERA_API_TOKEN');
    expect(env0).not.toHaveProperty('FEDERA_DATABASE_URL');
    expect(env0).not.toHaveProperty('FEDERA_NATS_URL');

    await first.stop();
    // A move while the agent is away: the restarted agent reads the key's last value.
    await kv.put(subjects.discoveryKey('disco-r', 'shop'), JSON.stringify(shop(3, 9001)));
    const second = startAgent();
    const seen = await eventually(async () => {
      const { body } = await getJson(`http://127.0.0.1:${port}/seen`);
      const set = body.seen as ServiceEndpoints | null;
      return set?.version === 3 ? set : undefined;
    }, 30_000);
    expect(seen!.applications[0].instances[0].port).toBe(9001);
    expect(persistedHandle(dataDir, 'web-r').pid).toBe(pid);

    await kv.put(
      subjects.discoveryKey('disco-r', 'shop'),
      JSON.stringify({ ...shop(4, 9002), updatedAt: 'yesterday' }),
    );
    await eventually(() => second.log.includes('discovery value refused'), 30_000);
    const line = second.log.split('\n').find((l) => l.includes('discovery value refused'))!;
    expect(JSON.parse(line)).toMatchObject({ service: 'shop', fields: ['updatedAt'] });
    const { body: still } = await getJson(String(env0.FEDERA_DISCOVERY_URL));
    expect(still.version).toBe(3);
  });
});
