import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandReply } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { SimFleet } from '../services/agent/src';
import { HostKey } from '../services/agent/src/infrastructure/store/host-key-file';
import {
  appSpec,
  hostConfig,
  isAlive,
  killGroup,
  persistedHandle,
  recordBus,
  sendCommand,
  tempDir,
} from './agent-harness';
import { registrationOf } from './inventory-fake-agent';
import { InventoryHarness } from './inventory-harness';
import { AgentProcess } from './inventory-host-key-agents';

const HEARTBEAT_MS = 250;

jest.setTimeout(120_000);

/**
 * Real agent processes against the real inventory: an agent whose heartbeats inventory ignores
 * (its host is down, or its epoch stale) is asked to register again and comes back with a new
 * epoch, reporting what it still runs under it (docs/adr/host-key.md).
 */
describe('agents registering again when inventory ignores their epoch', () => {
  let inv: InventoryHarness;
  let bus: ReturnType<typeof recordBus>;
  const agents: AgentProcess[] = [];
  const pids: number[] = [];
  const dir = tempDir('reregister');

  beforeAll(async () => {
    inv = await InventoryHarness.start({
      FEDERA_HEARTBEAT_MS: String(HEARTBEAT_MS),
      FEDERA_DOWN_AFTER_MS: '1500',
      FEDERA_LIVENESS_TICK_MS: '50',
    });
    bus = recordBus(inv.nc, inv.subjects);
  });

  let fleet: SimFleet | undefined;

  afterAll(async () => {
    await fleet?.stop();
    for (const agent of agents) agent.signal('SIGCONT');
    await Promise.all(agents.map((agent) => agent.kill()));
    for (const pid of pids) killGroup(pid);
    await inv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (host: string) => {
    const agent = AgentProcess.start(inv, host, join(dir, host), HEARTBEAT_MS);
    agents.push(agent);
    return agent;
  };
  const hostView = (host: string) =>
    inv.client.send<{ state: string; epoch: number }>('inventory', 'get-host', { host });
  const recovery = (host: string, epoch: number) =>
    eventually(
      async () =>
        (await inv.events(host)).find(
          (e) => e.type === 'HostRecovered' && (e.data as { epoch: number }).epoch === epoch,
        ),
      30_000,
    );
  const beatsUnder = (host: string, epoch: number) =>
    eventually(
      () => bus.heartbeats.filter((b) => b.host === host && b.epoch === epoch).length >= 3,
      20_000,
    );

  it('gives an agent frozen past the down threshold a new epoch once it is resumed, and hears what it still runs under it', async () => {
    const agent = start('rr-frozen');
    expect(await agent.registered()).toBe(1);
    const command = (body: object): Promise<CommandReply> =>
      sendCommand(inv.nc, inv.subjects, 'rr-frozen', { commandId: randomUUID(), ...body });
    expect(
      await command({ epoch: 1, type: 'start', spec: appSpec('shop-kv-frozen') }),
    ).toMatchObject({ ok: true });
    await eventually(
      () =>
        bus.reports.some(
          (r) => r.instance === 'shop-kv-frozen' && r.state === 'healthy' && r.epoch === 1,
        ),
      30_000,
    );
    const { pid } = persistedHandle(agent.dataDir, 'shop-kv-frozen');
    pids.push(pid);

    agent.signal('SIGSTOP');
    await eventually(async () => (await inv.eventTypes('rr-frozen')).includes('HostDown'), 30_000);
    agent.signal('SIGCONT');

    const recovered = await recovery('rr-frozen', 2);
    expect(recovered!.data).toMatchObject({ reason: 're-registered', from: 'down' });
    expect(
      await agent.said((l) => l.msg === 'inventory ignores this epoch; registering again'),
    ).toMatchObject({ epoch: 1, reason: 'host-down' });
    expect(await eventually(async () => (await hostView('rr-frozen')).state === 'ready')).toBe(
      true,
    );
    await beatsUnder('rr-frozen', 2);
    // What it still runs, said again under the new epoch: supervision adopts or stops it from there.
    const adopted = await eventually(
      () =>
        bus.reports.find(
          (r) => r.instance === 'shop-kv-frozen' && r.epoch === 2 && r.kind === 'instance',
        ),
      20_000,
    );
    expect(adopted).toMatchObject({ detail: 'registered again with epoch 2' });
    expect(isAlive(pid)).toBe(true);
    // No heartbeat of the fenced epoch was taken for a recovery.
    expect(
      (await inv.events('rr-frozen')).filter(
        (e) => e.type === 'HostRecovered' && (e.data as { reason: string }).reason === 'heartbeat',
      ),
    ).toEqual([]);

    // A stop under the new epoch is obeyed.
    expect(
      await command({ epoch: 2, type: 'stop', instance: 'shop-kv-frozen', graceMs: 1000 }),
    ).toMatchObject({ ok: true, result: { accepted: true } });
    await eventually(() => !isAlive(pid), 20_000);
  });

  it('registers again when its heartbeats are ignored as of a stale epoch', async () => {
    const agent = start('rr-stale');
    const first = await agent.registered();
    // Another run of the same key registers (the agent's own key, read from its data dir).
    const key = await HostKey.inDataDir(agent.dataDir);
    const registration = registrationOf('rr-stale', 'geneva', HEARTBEAT_MS);
    const reply = await inv
      .agent('rr-stale-other-run')
      .registerRaw({ ...registration, hostKey: key.prove('rr-stale', registration.agentRunId) });
    expect(reply).toMatchObject({ ok: true, result: { epoch: first + 1 } });

    await recovery('rr-stale', first + 2);
    // So soon after its own registration, another run of its key looks like a copied data dir: it
    // says so, and waits a little before taking the epoch back.
    expect(
      await agent.said((l) => /is a copy of this data dir running elsewhere/.test(l.msg)),
    ).toMatchObject({ epoch: first, reason: 'stale-epoch', delayMs: 1000 });
    expect(await agent.registered(2)).toBe(first + 2);
    expect(agent.epochs).toEqual([first, first + 2]);
    await beatsUnder('rr-stale', first + 2);
    expect(
      await eventually(async () => {
        const view = await hostView('rr-stale');
        return view.state === 'ready' && view.epoch === first + 2;
      }),
    ).toBe(true);
  });

  it('takes a simulated host back from a partition with a new epoch', async () => {
    const { pino } = require('pino') as typeof import('pino');
    fleet = await SimFleet.start({
      config: hostConfig('rr-sim', ['sim']),
      count: 1,
      natsUrl: inv.config.federa.natsUrl,
      subjectPrefix: inv.subjects.prefix,
      heartbeatMs: HEARTBEAT_MS,
      slots: 5,
      leaseDir: inv.leaseDir,
      logger: pino({ level: 'silent' }),
    });
    await fleet.registered;
    const host = 'rr-sim-0001';
    const epoch = fleet.hosts.get(host)!.core.epoch!;
    await inv.nc.request(
      inv.subjects.simInject(host),
      new TextEncoder().encode(JSON.stringify({ fault: 'partition' })),
      { timeout: 2000 },
    );
    await eventually(async () => (await inv.eventTypes(host)).includes('HostDown'), 30_000);
    await inv.nc.request(
      inv.subjects.simInject(host),
      new TextEncoder().encode(JSON.stringify({ fault: 'heal' })),
      { timeout: 2000 },
    );
    const recovered = await recovery(host, epoch + 1);
    expect(recovered!.data).toMatchObject({ reason: 're-registered', from: 'down' });
    await beatsUnder(host, epoch + 1);
  });
});
