import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CommandClient } from '@federa/messaging';
import { eventually, itWhen } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { connectTo, hostConfig, tempDir } from './agent-harness';
import { NetworkLab, networkLabUnavailable, startAgentIn, type LabHost } from './agent-network-lab';
import { InventoryHarness } from './inventory-harness';

const HEARTBEAT_MS = 250;

jest.setTimeout(90_000);

/**
 * Real agent processes, each in a network namespace of its own, against the real inventory: the
 * bus (a nats-server on the lab's bridge) is reached over the namespace's veth, the lease file
 * over the file system, so cutting the veth silences heartbeats and leaves the lease renewed.
 */
describe('inventory and real agents: dead or partitioned', () => {
  const unavailable = networkLabUnavailable();
  let lab: NetworkLab;
  let inv: InventoryHarness;
  let nc: NatsConnection;
  let client: CommandClient;
  const dir = tempDir('liveness-lab');

  beforeAll(async () => {
    if (unavailable) return;
    lab = NetworkLab.create();
    const natsUrl = await lab.startNats();
    inv = await InventoryHarness.start({
      FEDERA_NATS_URL: natsUrl,
      FEDERA_HEARTBEAT_MS: String(HEARTBEAT_MS),
      FEDERA_DOWN_AFTER_MS: '1000',
      FEDERA_LIVENESS_TICK_MS: '50',
    });
    nc = await connectTo(natsUrl);
    client = new CommandClient(nc, inv.subjects, 5000);
  });

  afterAll(async () => {
    // Agents first: they renew leases in the inventory's lease dir until they die.
    await lab?.killHostProcesses();
    await nc?.close();
    await inv?.stop();
    await lab?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  async function agentIn(name: string, site: string): Promise<[LabHost, ChildProcess]> {
    const host = lab.addHost(name);
    const child = await startAgentIn(lab, host, {
      natsUrl: lab.natsUrl,
      subjectPrefix: inv.subjects.prefix,
      heartbeatMs: HEARTBEAT_MS,
      leaseDir: inv.leaseDir,
      dataDir: join(dir, name, 'data'),
      config: { ...hostConfig(name), site },
    });
    return [host, child];
  }

  /** Resolves once inventory saw a heartbeat of `host` (so its lease was renewed, too). */
  const beating = (host: string) =>
    eventually(
      async () =>
        (await client.send<{ lastHeartbeatAt?: string }>('inventory', 'get-host', { host }))
          .lastHeartbeatAt,
    );
  const eventOf = async (host: string, type: string) =>
    (await inv.events(host)).find((e) => e.type === type);

  itWhen(unavailable)(
    'records a killed agent process as down and dead: no heartbeat, no fresh lease',
    async () => {
      const [, child] = await agentIn('dead-1', 'site-dead');
      await beating('dead-1');
      child.kill('SIGKILL');
      const down = await eventually(() => eventOf('dead-1', 'HostDown'), 15_000);
      expect(down!.data).toMatchObject({
        cause: 'dead',
        evidence: { lease: { epoch: 1 }, leaseTtlMs: 500 },
      });
    },
  );

  itWhen(unavailable)(
    'records an agent cut off the bus but alive as partitioned, and takes it back with a new epoch once the link is back',
    async () => {
      const [host, child] = await agentIn('cut-1', 'site-cut');
      await beating('cut-1');
      lab.cut(host);
      const down = await eventually(() => eventOf('cut-1', 'HostDown'), 15_000);
      expect(down!.data).toMatchObject({ cause: 'partitioned', evidence: { lease: { epoch: 1 } } });
      expect(child.exitCode).toBeNull();
      lab.heal(host);
      // Heartbeats of the epoch it went down with are ignored: the agent is asked to register again.
      const recovered = await eventually(() => eventOf('cut-1', 'HostRecovered'), 30_000);
      expect(recovered!.data).toMatchObject({ reason: 're-registered', from: 'down', epoch: 2 });
      expect(await inv.eventTypes('cut-1')).toEqual([
        'HostRegistered',
        'HostSuspected',
        'HostDown',
        'HostRecovered',
      ]);
    },
  );
});
