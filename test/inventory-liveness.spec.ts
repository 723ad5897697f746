import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import { InventoryHarness, natsUrl } from './inventory-harness';

const root = join(__dirname, '..');

/** A stand-in agent in a process of its own, answered once it registered. */
async function spawnAgent(
  inv: InventoryHarness,
  host: string,
  site: string,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      join(root, 'bench/eventstore-register.js'),
      join(__dirname, 'inventory-agent-process.ts'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        FEDERA_NATS_URL: natsUrl,
        FEDERA_SUBJECT_PREFIX: inv.subjects.prefix,
        AGENT_HOST: host,
        AGENT_SITE: site,
        FEDERA_LEASE_DIR: inv.leaseDir,
        FEDERA_HEARTBEAT_MS: String(inv.config.federa.heartbeatMs),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`agent ${host} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('registered')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return child;
}

jest.setTimeout(30_000);

describe('inventory: liveness from heartbeats', () => {
  let inv: InventoryHarness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    inv = await InventoryHarness.start({
      FEDERA_HEARTBEAT_MS: '250',
      FEDERA_DOWN_AFTER_MS: '1000',
      FEDERA_LIVENESS_TICK_MS: '50',
      FEDERA_DOWN_LIMIT_PER_SITE_PER_MINUTE: '1',
    });
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await inv.stop();
  });

  const hostView = (host: string) =>
    inv.client.send<Record<string, unknown>>('inventory', 'get-host', { host });
  const downOf = async (host: string) =>
    (await inv.events(host)).find((e) => e.type === 'HostDown');

  it('keeps a heartbeating host ready and shows its last heartbeat', async () => {
    const agent = inv.agent('live-1', 'site-live');
    await agent.register();
    agent.start();
    const view = await eventually(async () => {
      const v = await hostView('live-1');
      return v.lastHeartbeatAt ? v : undefined;
    });
    expect(view!.state).toBe('ready');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inv.eventTypes('live-1')).toEqual(['HostRegistered']);
  });

  it('declares a killed agent dead: ready, suspect, then down with the evidence', async () => {
    const child = await spawnAgent(inv, 'killed-1', 'site-kill');
    children.push(child);
    await eventually(async () => (await hostView('killed-1')).lastHeartbeatAt);
    child.kill('SIGKILL');
    const down = await eventually(() => downOf('killed-1'));
    expect(await inv.eventTypes('killed-1')).toEqual([
      'HostRegistered',
      'HostSuspected',
      'HostDown',
    ]);
    expect(down!.data).toMatchObject({
      cause: 'dead',
      evidence: { lease: { epoch: 1 }, leaseTtlMs: 500, lastHeartbeatAt: expect.any(String) },
    });
    expect(await eventually(async () => (await hostView('killed-1')).state === 'down')).toBe(true);
    expect(await hostView('killed-1')).toMatchObject({ downCause: 'dead' });
  });

  it('declares an agent whose heartbeats are dropped but whose lease is renewed partitioned, and takes it back with a new epoch once it registers again', async () => {
    const agent = inv.agent('cut-1', 'site-cut');
    await agent.register();
    agent.start();
    await eventually(async () => (await hostView('cut-1')).lastHeartbeatAt);
    agent.partition();
    const down = await eventually(() => downOf('cut-1'));
    expect(down!.data).toMatchObject({ cause: 'partitioned', evidence: { lease: { epoch: 1 } } });
    agent.heal();
    // Its heartbeats of the epoch it went down with are ignored; inventory asks it to register again.
    await eventually(async () => (await inv.eventTypes('cut-1')).includes('HostRecovered'));
    const recovered = (await inv.events('cut-1')).find((e) => e.type === 'HostRecovered')!;
    expect(recovered.data).toMatchObject({ reason: 're-registered', from: 'down', epoch: 2 });
    // The agent hears its registration's answer after inventory has appended HostRecovered.
    await eventually(() => agent.reregistered.length > 0);
    expect(agent.reregistered).toEqual([2]);
    expect(await eventually(async () => (await hostView('cut-1')).state === 'ready')).toBe(true);
  });

  it('takes heartbeats of an older epoch as silence once the agent registered again', async () => {
    const agent = inv.agent('epoch-1', 'site-epoch');
    await agent.register();
    await agent.register();
    const oldRun = setInterval(() => agent.heartbeat(1), 250);
    try {
      const types = await eventually(async () => {
        const t = await inv.eventTypes('epoch-1');
        return t.includes('HostDown') && t;
      });
      expect(types).toEqual(['HostRegistered', 'HostRecovered', 'HostSuspected', 'HostDown']);
    } finally {
      clearInterval(oldRun);
    }
  });

  it('defers downs beyond the per-site limit, and says so in an event and in the API', async () => {
    const first = inv.agent('blip-1', 'site-blip');
    const second = inv.agent('blip-2', 'site-blip');
    await first.register();
    await second.register();
    const deferredHost: string = await eventually(async () => {
      const [a, b] = [await inv.eventTypes('blip-1'), await inv.eventTypes('blip-2')];
      if (a.includes('HostDownRateLimited')) return 'blip-1';
      if (b.includes('HostDownRateLimited')) return 'blip-2';
      return '';
    });
    const other = deferredHost === 'blip-1' ? 'blip-2' : 'blip-1';
    expect(await inv.eventTypes(other)).toContain('HostDown');
    expect(await inv.eventTypes(deferredHost)).not.toContain('HostDown');
    const limited = (await inv.events(deferredHost)).find((e) => e.type === 'HostDownRateLimited')!;
    expect(limited.data).toMatchObject({
      site: 'site-blip',
      limit: 1,
      silentHosts: expect.any(Number),
    });
    const view = await eventually(async () => {
      const v = await hostView(deferredHost);
      return v.downDeferredUntil ? v : undefined;
    });
    expect(view).toMatchObject({
      state: 'suspect',
      downDeferredUntil: (limited.data as { retryAt: string }).retryAt,
    });
  });
});
