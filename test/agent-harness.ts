import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Subjects, type AgentReport, type CommandReply, type HostConfig } from '@federa/contracts';
import { connect, type NatsConnection } from 'nats';
import { ensureHostDataBucket } from '@federa/messaging';
import { Agent } from '../services/agent/src';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const repoRoot = resolve(__dirname, '..');

/**
 * Stands in for inventory: answers every registration with the host's next epoch (from
 * `firstEpoch`). With `dataBuckets`, it first creates the host's data bucket as inventory does
 * (hosts of the `sim` layer alone excepted): an agent may not create it and opens it as it is.
 */
export function answerRegistrations(
  nc: NatsConnection,
  subjects: Subjects,
  firstEpoch = 1,
  { dataBuckets = false }: { dataBuckets?: boolean } = {},
) {
  const epochs = new Map<string, number>();
  const registrations: Array<{
    host: string;
    instances: Array<{ instance: string; state: string }>;
  }> = [];
  nc.subscribe(subjects.agentRegisterFor('*'), {
    callback: (_error, msg) => {
      const body = JSON.parse(decoder.decode(msg.data));
      registrations.push(body);
      const epoch = (epochs.get(body.host) ?? firstEpoch - 1) + 1;
      epochs.set(body.host, epoch);
      const answer = () =>
        msg.respond(encoder.encode(JSON.stringify({ ok: true, result: { epoch } })));
      const layers: string[] = body.layers ?? [];
      if (!dataBuckets || layers.every((layer) => layer === 'sim')) return void answer();
      void nc
        .jetstreamManager()
        .then((jsm) => ensureHostDataBucket(jsm, subjects.dataBucketOf(body.host)))
        .then(answer, (error: unknown) => {
          throw new Error(`the data bucket of ${body.host} was not created: ${String(error)}`);
        });
    },
  });
  return { registrations, epochOf: (host: string) => epochs.get(host) };
}

/** Every report and heartbeat published under the prefix, in arrival order. */
export function recordBus(nc: NatsConnection, subjects: Subjects) {
  const reports: AgentReport[] = [];
  const heartbeats: Array<
    Record<string, unknown> & {
      host: string;
      instances: Array<{ instance: string; state: string; load?: number }>;
    }
  > = [];
  nc.subscribe(subjects.allReports, {
    callback: (_e, msg) => reports.push(JSON.parse(decoder.decode(msg.data))),
  });
  nc.subscribe(subjects.allHeartbeats, {
    callback: (_e, msg) => heartbeats.push(JSON.parse(decoder.decode(msg.data))),
  });
  return { reports, heartbeats };
}

export function hostConfig(host: string, layers: HostConfig['layers'] = ['process']): HostConfig {
  return {
    host,
    site: 'geneva',
    securityLevel: 3,
    layers,
    capacity: 'auto',
    costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  } as HostConfig;
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `federa-${label}-`));
}

export function startAgent(
  host: string,
  dataDir: string,
  natsUrl: string,
  prefix: string,
): Promise<Agent> {
  return Agent.start({
    config: hostConfig(host),
    dataDir,
    natsUrl,
    subjectPrefix: prefix,
    heartbeatMs: 200,
    cwd: repoRoot,
    logger: silentLogger(),
  });
}

/** A process-layer spec of one of the example apps. */
export function appSpec(instance: string, app: 'kv-store' | 'web' | 'payment' = 'kv-store') {
  return {
    instance,
    service: 'shop',
    app,
    layer: 'process',
    artifact: { command: ['node', `examples/apps/${app}.js`] },
    resources: {
      cpuMillis: 250,
      memoryBytes: 128 * 1024 ** 2,
      storageBytes: 1024 ** 3,
      bandwidthBps: 1e8,
    },
    health: { http: { path: '/healthz' }, intervalMs: 200, failureThreshold: 2 },
  };
}

export async function sendCommand(
  nc: NatsConnection,
  subjects: Subjects,
  host: string,
  body: unknown,
  timeoutMs = 5000,
): Promise<CommandReply<Record<string, unknown>>> {
  const msg = await nc.request(subjects.agentCommand(host), encoder.encode(JSON.stringify(body)), {
    timeout: timeoutMs,
  });
  return JSON.parse(decoder.decode(msg.data));
}

/** What the agent keeps on disk about an instance (its pid and port among them). */
export function persistedHandle(
  dataDir: string,
  instance: string,
): { pid: number; port: number; startTime: number } {
  const table = JSON.parse(readFileSync(join(dataDir, 'instances.json'), 'utf8'));
  return table.instances.find(
    (row: { spec: { instance: string } }) => row.spec.instance === instance,
  ).handle;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function connectTo(url: string): Promise<NatsConnection> {
  return connect({
    servers: url,
    pingInterval: 1000,
    maxPingOut: 2,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
  });
}

function silentLogger() {
  const { pino } = require('pino') as typeof import('pino');
  return pino({ level: 'silent' });
}
