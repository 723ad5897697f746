import { rmSync } from 'node:fs';
import { ServiceEndpoints, Subjects, validatePayload, type AgentReport } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import type { KV, NatsConnection } from 'nats';
import { pino } from 'pino';
import { Agent } from '../services/agent/src';
import { openKeyValueBucket } from '../libs/messaging/src/jetstream/key-value-bucket';
import {
  answerRegistrations,
  connectTo,
  hostConfig,
  killGroup,
  persistedHandle,
  recordBus,
  repoRoot,
  sendCommand,
  tempDir,
} from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

jest.setTimeout(90_000);

/** The agent's own secrets, set in its environment for the duration of the test. */
const SECRETS = {
  FEDERA_API_TOKEN: 'agent-discovery-secret-token',
  FEDERA_DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:5432/federa',
  FEDERA_NATS_URL: NATS_URL,
  SOME_OPERATOR_CREDENTIAL: 'do-not-leak',
};

function set(version: number, web: number[], payment: number[] = []): ServiceEndpoints {
  const instances = (app: string, ports: number[]) =>
    ports.map((port, i) => ({
      instance: `${app}-${i + 1}`,
      host: 'other-host',
      address: '10.9.8.7',
      port,
    }));
  return {
    service: 'shop',
    version,
    updatedAt: Date.now(),
    applications: [
      { name: 'catalog-db', instances: instances('catalog-db', web) },
      { name: 'payment', instances: instances('payment', payment) },
    ],
  };
}

function readerSpec(instance: string, service: string, app: string) {
  return {
    instance,
    service,
    app,
    layer: 'process',
    artifact: { command: ['node', 'test/agent-discovery-app.js'] },
    resources: {
      cpuMillis: 100,
      memoryBytes: 64 * 1024 ** 2,
      storageBytes: 1024 ** 2,
      bandwidthBps: 1e6,
    },
    health: { http: { path: '/healthz' }, intervalMs: 200, failureThreshold: 2 },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers are JSON of several shapes, checked by the expectations
async function getJson(url: string): Promise<{ status: number; body: any }> {
  const answer = await fetch(url);
  return { status: answer.status, body: await answer.json() };
}

describe('service discovery on the agent', () => {
  const prefix = uniquePrefix('disco');
  const subjects = new Subjects(prefix);
  const logLines: string[] = [];
  const saved: Record<string, string | undefined> = {};
  let nc: NatsConnection;
  let kv: KV;
  let bus: ReturnType<typeof recordBus>;
  let agent: Agent;
  let epoch: number;
  let dir: string;
  const pids: number[] = [];

  beforeAll(async () => {
    for (const [name, value] of Object.entries(SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    nc = await connectTo(NATS_URL);
    answerRegistrations(nc, subjects);
    bus = recordBus(nc, subjects);
    kv = await openKeyValueBucket(nc, subjects.discoveryBucket);
    dir = tempDir('disco');
    agent = await Agent.start({
      config: hostConfig('disco-a'),
      dataDir: dir,
      natsUrl: NATS_URL,
      subjectPrefix: prefix,
      heartbeatMs: 200,
      cwd: repoRoot,
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
    });
    epoch = await agent.whenRegistered();
    await agent.whenWatchingEndpoints();
  });

  afterAll(async () => {
    await agent?.stop();
    for (const pid of pids) killGroup(pid);
    await kv?.destroy().catch(() => undefined);
    await nc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const reportsOf = (instance: string): AgentReport[] =>
    bus.reports.filter((r) => r.kind === 'instance' && r.instance === instance);

  async function start(instance: string, spec: Record<string, unknown>): Promise<number> {
    const reply = await sendCommand(nc, subjects, 'disco-a', {
      commandId: `start-${instance}`,
      epoch,
      type: 'start',
      spec,
    });
    expect(reply).toMatchObject({ ok: true });
    await eventually(() => reportsOf(instance).some((r) => r.state === 'healthy'), 30_000);
    const { pid, port } = persistedHandle(dir, instance);
    pids.push(pid);
    return port;
  }

  let webPort: number;
  let webPid: number;

  it("gives a workload its service's endpoints and discovery URL at start, and none of the agent's secrets", async () => {
    webPort = await start('web-1', {
      ...readerSpec('web-1', 'shop', 'web'),
      endpoints: set(3, [5432]),
    });
    webPid = persistedHandle(dir, 'web-1').pid;
    const { body: env } = await getJson(`http://127.0.0.1:${webPort}/env`);
    expect(env).toMatchObject({
      FEDERA_ENDPOINTS_CATALOG_DB: '10.9.8.7:5432',
      FEDERA_ENDPOINTS_PAYMENT: '',
      FEDERA_ENDPOINTS_WEB: '',
      FEDERA_INSTANCE: 'web-1',
      PORT: String(webPort),
    });
    expect(env.FEDERA_DISCOVERY_URL).toBe(agent.discoveryUrlOf('shop'));
    expect(env.FEDERA_DISCOVERY_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/discovery\/shop$/);
    for (const name of Object.keys(SECRETS)) expect(env).not.toHaveProperty(name);
    expect(Object.values(env)).not.toContain(SECRETS.FEDERA_API_TOKEN);
  });

  it('reports and heartbeats where a running instance listens', async () => {
    const running = reportsOf('web-1').find((r) => r.state === 'running' || r.state === 'healthy');
    expect(running?.endpoint).toEqual({ address: '127.0.0.1', port: webPort });
    await eventually(() =>
      bus.heartbeats.some((beat) =>
        (beat.instances as Array<{ instance: string; endpoint?: unknown }>).some(
          (i) => i.instance === 'web-1' && (i.endpoint as { port?: number })?.port === webPort,
        ),
      ),
    );
  });

  it('brings a put to the bucket to the running workload through its long poll, without a restart', async () => {
    await kv.put(
      subjects.discoveryKey('disco-a', 'shop'),
      JSON.stringify(set(5, [5432, 5433], [7000])),
    );
    const seen = await eventually(async () => {
      const { body } = await getJson(`http://127.0.0.1:${webPort}/seen`);
      return body.seen?.version === 5 ? body.seen : undefined;
    }, 20_000);
    expect(seen.applications).toEqual([
      expect.objectContaining({
        name: 'catalog-db',
        instances: [
          expect.objectContaining({ port: 5432 }),
          expect.objectContaining({ port: 5433 }),
        ],
      }),
      expect.objectContaining({
        name: 'payment',
        instances: [expect.objectContaining({ port: 7000 })],
      }),
    ]);
    expect(persistedHandle(dir, 'web-1').pid).toBe(webPid);
  });

  it('refuses a malformed value with a logged reason naming its fields, keeps the last good set and ignores an older one', async () => {
    const malformed = {
      ...set(6, [5432]),
      applications: [
        { name: 'catalog-db', instances: [{ instance: 'x-1', host: 'h', port: 'high' }] },
      ],
    };
    await kv.put(subjects.discoveryKey('disco-a', 'shop'), JSON.stringify(malformed));
    const refusal = await eventually(
      () => logLines.find((line) => line.includes('discovery value refused')),
      20_000,
    );
    expect(refusal).toContain('applications[0].instances[0].port');
    expect(refusal).toContain('applications[0].instances[0].address');
    await kv.put(subjects.discoveryKey('disco-a', 'shop'), JSON.stringify(set(4, [1111])));
    const url = agent.discoveryUrlOf('shop');
    expect((await getJson(url)).body.version).toBe(5);
    // The watch goes on after a refusal: the next good set arrives.
    await kv.put(subjects.discoveryKey('disco-a', 'shop'), JSON.stringify(set(7, [5434])));
    await eventually(
      async () => (await getJson(`http://127.0.0.1:${webPort}/seen`)).body.seen?.version === 7,
      20_000,
    );
    expect((await getJson(url)).body.applications[0].instances).toEqual([
      expect.objectContaining({ port: 5434 }),
    ]);
  });

  it('gives an application of a service without endpoints an empty, valid set', async () => {
    const port = await start('solo-1', readerSpec('solo-1', 'lonely', 'solo'));
    const { body: env } = await getJson(`http://127.0.0.1:${port}/env`);
    expect(env.FEDERA_ENDPOINTS_SOLO).toBe('');
    const answer = await getJson(env.FEDERA_DISCOVERY_URL);
    expect(answer.status).toBe(200);
    expect(validatePayload(ServiceEndpoints, answer.body)).toMatchObject({ ok: true });
    expect(answer.body).toEqual({ service: 'lonely', version: 0, updatedAt: 0, applications: [] });
  });

  it('refuses a bad long-poll query naming the parameter', async () => {
    const answer = await getJson(`${agent.discoveryUrlOf('shop')}?after=soon`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'after' })]);
  });

  it("empties a deleted service's set, answering its long polls with an empty set one version above", async () => {
    await kv.put(
      subjects.discoveryKey('disco-a', 'closing'),
      JSON.stringify({ ...set(3, [5432]), service: 'closing' }),
    );
    const url = agent.discoveryUrlOf('closing');
    await eventually(async () => (await getJson(url)).body.version === 3, 20_000);
    const waiting = getJson(`${url}?after=3&timeoutMs=30000`);
    await kv.delete(subjects.discoveryKey('disco-a', 'closing'));
    const answer = await waiting;
    expect(answer.body).toMatchObject({ service: 'closing', version: 4, applications: [] });
    expect((await getJson(url)).body).toMatchObject({ version: 4, applications: [] });
  });
});
