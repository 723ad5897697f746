// Worst case 390 s: the lab, the plane and four agents (hook, 120 s), the scenario (210 s: the service
// available, the partition declared and replaced, the heal, the fence and the invariants, each wait
// bounded on its own, the whole by jest) and the close (hook, 60 s of bounded steps). Not retried
// (test/retry-once.ts). Typically about 11 s for the scenario, about a minute with the hooks.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HostConfig } from '@federa/contracts';
import { eventually, freshDatabase, itWhen, type FreshDatabase } from '@federa/testing';
import { hostConfig, tempDir } from '../agent-harness';
import {
  NetworkLab,
  networkLabUnavailable,
  startAgentIn,
  type LabHost,
} from '../agent-network-lab';
import { CommandLedger } from '../acknowledged-commands';
import { closeEach } from './bounded-close';
import { OutagePlane, processCounts } from '../outage-harness';
import { expectFaultInvariants } from './fault-invariants';
import { ProcessSampler } from './process-sampler';

jest.setTimeout(210_000);

const heartbeatMs = 250;
/** Silence after which a host is declared down: six heartbeats. */
const downAfterMs = 1500;
/** How long a partitioned host's stateless instances wait before they are replaced. */
const partitionGraceMs = 2000;
const hosts = ['p1', 'p2', 'p3', 'p4'];

/** A store with data (never replaced while its host is only cut off) and three web instances, one a host. */
const edgeSpec = {
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name: 'edge' },
  spec: {
    applications: [
      {
        name: 'store',
        layer: 'process',
        artifact: { command: ['node', 'examples/apps/kv-store.js'] },
        resources: { cpu: '100m', memory: '64Mi', storage: '1Gi' },
        replicas: { min: 1, max: 1 },
        health: { http: { path: '/healthz' }, intervalMs: 500, failureThreshold: 3 },
        data: { path: 'data', sizeHint: '1Gi' },
      },
      {
        name: 'web',
        layer: 'process',
        artifact: { command: ['node', 'examples/apps/kv-store.js'] },
        resources: { cpu: '100m', memory: '64Mi' },
        replicas: { min: 3, max: 3 },
        health: { http: { path: '/healthz' }, intervalMs: 500, failureThreshold: 3 },
      },
    ],
    rules: [{ antiAffinity: ['web'] }],
  },
};

interface Instance {
  id: string;
  app: string;
  host: string;
  state: string;
}

/**
 * Real agents (process layer), each a process in a network namespace of its own, reaching the bus
 * (a nats-server on the lab's bridge) over a veth and renewing their leases through the file system;
 * the whole control plane in this process. One host is cut off (veth down) with the store and a web
 * instance on it: it is declared partitioned, its web instance is replaced elsewhere while the
 * original keeps running behind the cut, and the store, which has data, is kept. Once the link is
 * back, the original web copy is stopped (fenced), the store is taken back, and the service is
 * available with every instance running once.
 */
describe('an agent cut off its network, then healed', () => {
  const unavailable = networkLabUnavailable();
  let lab: NetworkLab;
  let database: FreshDatabase;
  let plane: OutagePlane;
  const leaseDir = tempDir('partition-leases');
  const dataDir = tempDir('partition-hosts');
  const labHosts = new Map<string, LabHost>();
  const savedGrace = process.env.FEDERA_PARTITION_GRACE_MS;

  beforeAll(async () => {
    if (unavailable) return;
    lab = NetworkLab.create();
    const natsUrl = await lab.startNats();
    database = await freshDatabase('fault_partition');
    process.env.FEDERA_PARTITION_GRACE_MS = String(partitionGraceMs);
    plane = await OutagePlane.start(database.url, natsUrl, 'partition', {
      hosts: [],
      fleet: { heartbeatMs, downAfterMs, leaseDir },
    });
    for (const name of hosts) {
      const host = lab.addHost(name);
      labHosts.set(name, host);
      await startAgentIn(lab, host, {
        natsUrl,
        subjectPrefix: plane.prefix,
        heartbeatMs,
        leaseDir,
        dataDir: join(dataDir, name, 'data'),
        config: {
          ...hostConfig(name),
          capacity: { cpu: 4, memory: '8Gi', storage: '100Gi', bandwidth: '1Gbps' },
        } as HostConfig,
      });
    }
  }, 120_000);

  // Every step runs whatever the one before did: a plane that fails to close still leaves the lab
  // (namespaces, veths, bridge, its nats-server and store), the database and the directories released.
  afterAll(
    () =>
      closeEach([
        // The agents and their workloads first: they renew leases in the plane's lease directory.
        ['the lab’s agents', () => lab?.killHostProcesses(), 10_000],
        ['the plane', () => plane?.close()],
        ['the network lab', () => lab?.dispose(), 10_000],
        ['the database', () => database?.drop(), 5_000],
        [
          'the environment and directories',
          () => {
            if (savedGrace === undefined) delete process.env.FEDERA_PARTITION_GRACE_MS;
            else process.env.FEDERA_PARTITION_GRACE_MS = savedGrace;
            rmSync(dataDir, { recursive: true, force: true });
            rmSync(leaseDir, { recursive: true, force: true });
          },
        ],
      ]),
    90_000,
  );

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=edge&limit=500')).json.items;
  const service = async () => (await plane.call('GET', '/v1/services/edge')).json;
  const hostEvent = async (host: string, type: string, after = 0) =>
    (await plane.events()).find(
      (e) => e.streamId === `host-${host}` && e.type === type && e.position > after,
    );

  itWhen(unavailable)(
    'replaces the cut-off host’s stateless instance and keeps its store; once healed, stops the original copy, takes the store back, and keeps every fault invariant',
    async () => {
      const ledger = new CommandLedger((method, path, body) => plane.call(method, path, body));
      await ledger.send('apply', 'edge', 'PUT', '/v1/services/edge', edgeSpec);
      await ledger.send('deploy', 'edge', 'POST', '/v1/services/edge/deploy');
      await eventually(async () => (await service()).state === 'available', 90_000, 250);

      const before = await instances();
      const store = before.find((i) => i.app === 'store')!;
      const cutOff = store.host;
      const original = before.find((i) => i.app === 'web' && i.host === cutOff)!;
      expect(original).toBeDefined();
      const last = (await plane.events()).at(-1)!.position;

      // Sampled all along the cut and the heal: the original copy must never run beside itself.
      const sampler = ProcessSampler.start();
      lab.cut(labHosts.get(cutOff)!);
      const down = await eventually(() => hostEvent(cutOff, 'HostDown', last), 30_000, 100);
      expect(down!.data).toMatchObject({ cause: 'partitioned' });
      // The web instance is replaced on the spare host; the store, which has data, is not.
      await eventually(
        async () => {
          const now = await instances();
          const webs = now.filter(
            (i) => i.app === 'web' && ['running', 'healthy'].includes(i.state),
          );
          return webs.length === 3 && webs.every((i) => i.host !== cutOff);
        },
        90_000,
        250,
      );
      const during = await instances();
      expect(during.filter((i) => i.app === 'store').map((i) => i.id)).toEqual([store.id]);
      // Behind the cut, the original copy still runs: only the control plane can stop it.
      expect(processCounts().get(original.id)).toBe(1);

      lab.heal(labHosts.get(cutOff)!);
      await eventually(() => hostEvent(cutOff, 'HostRecovered', down!.position), 90_000, 250);
      // The original web copy is fenced, and the store is back where it was.
      await eventually(async () => !processCounts().has(original.id), 90_000, 250);
      await eventually(async () => (await service()).state === 'available', 90_000, 250);
      const after = await instances();
      expect(after.find((i) => i.app === 'store')).toMatchObject({ id: store.id, host: cutOff });
      expect(after.filter((i) => i.app === 'web').map((i) => i.id)).not.toContain(original.id);

      await sampler.stop();
      expect(sampler.twiceOf(after.map((i) => i.id).concat(original.id))).toEqual([]);

      await expectFaultInvariants(plane, { ledger });
    },
  );
});
