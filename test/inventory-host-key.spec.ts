import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRegistration, CommandReply } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { HostKey } from '../services/agent/src/infrastructure/store/host-key-file';
import { sendCommand, tempDir } from './agent-harness';
import { registrationOf } from './inventory-fake-agent';
import { InventoryHarness } from './inventory-harness';
import { AgentProcess, fingerprintOfDataDir } from './inventory-host-key-agents';

const HEARTBEAT_MS = 250;

jest.setTimeout(90_000);

/**
 * Real agent processes against the real inventory: a host is bound to the key kept in the data
 * dir of the agent that registered it (docs/adr/host-key.md).
 */
describe('inventory: a host belongs to the key of the agent that registered it', () => {
  let inv: InventoryHarness;
  const agents: AgentProcess[] = [];
  const dir = tempDir('host-key');

  beforeAll(async () => {
    inv = await InventoryHarness.start({
      FEDERA_HEARTBEAT_MS: String(HEARTBEAT_MS),
      // Generous: two agents start at once on a busy machine, and nothing here should go down.
      FEDERA_DOWN_AFTER_MS: '5000',
      FEDERA_LIVENESS_TICK_MS: '50',
    });
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await inv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (host: string, dataDir: string) => {
    const agent = AgentProcess.start(inv, host, join(dir, dataDir), HEARTBEAT_MS);
    agents.push(agent);
    return agent;
  };
  const hostView = (host: string) =>
    inv.client.send<{ state: string; epoch: number; lastHeartbeatAt: string | null }>(
      'inventory',
      'get-host',
      { host },
    );
  const register = (payload: object) =>
    inv.agent('unused').registerRaw(payload) as Promise<CommandReply<{ epoch: number }>>;
  /** A registration of `host` as a real agent would sign it with `key`. */
  const signedBy = (key: HostKey, host: string): AgentRegistration => {
    const registration = registrationOf(host, 'geneva', HEARTBEAT_MS);
    return { ...registration, hostKey: key.prove(host, registration.agentRunId) };
  };

  it('refuses a second agent with another key while the host is live; the first keeps its epoch and is still heard after the second left', async () => {
    const real = start('kh-1', 'real');
    expect(await real.registered()).toBe(1);
    const impostor = start('kh-1', 'impostor');
    const refused = await impostor.said((l) =>
      /registration refused: conflict: host kh-1 is held by another agent/.test(String(l.why)),
    );
    expect(refused.msg).toBe('registration refused: the host is held by another agent');
    expect(impostor.epochs).toEqual([]);
    // Only the holder answers the host's commands: the impostor never hears them.
    for (let i = 0; i < 5; i++) {
      const probe = { commandId: `probe-${i}`, epoch: 1, type: 'probe', instance: 'nothing-1' };
      expect(await sendCommand(inv.nc, inv.subjects, 'kh-1', probe)).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }

    // The refusal as the bus answers it: the code, the host, and that another agent holds it.
    const reply = await register(signedBy(HostKey.ephemeral(), 'kh-1'));
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringContaining(
          `host kh-1 is held by another agent (host key ${fingerprintOfDataDir(real.dataDir)})`,
        ),
        details: [{ path: 'hostKey' }],
      },
    });

    await impostor.kill();
    const leftAt = Date.now();
    const heard = await eventually(async () => {
      const view = await hostView('kh-1');
      return view.lastHeartbeatAt && Date.parse(view.lastHeartbeatAt) > leftAt + 1000 && view;
    }, 20_000);
    expect(heard).toMatchObject({ state: 'ready', epoch: 1 });
    expect(await inv.eventTypes('kh-1')).toEqual(['HostRegistered']);
    expect(real.epochs).toEqual([1]);
  });

  it('gives the same agent restarted on its data dir the next epoch, and records its key', async () => {
    const first = start('kh-2', 'restarted');
    expect(await first.registered()).toBe(1);
    await first.kill();
    const again = start('kh-2', 'restarted');
    expect(await again.registered()).toBe(2);
    // The restart may take long enough for the host to be suspected meanwhile.
    const events = (await inv.events('kh-2')).filter((e) => e.type !== 'HostSuspected');
    expect(events.map((e) => e.type)).toEqual(['HostRegistered', 'HostRecovered']);
    expect(events[0].data).toMatchObject({ hostKey: fingerprintOfDataDir(again.dataDir) });
    expect(events[1].data).toMatchObject({ epoch: 2, reason: 're-registered' });
    expect(await eventually(async () => (await hostView('kh-2')).state === 'ready')).toBe(true);
  });

  it('refuses garbage in the host key, naming each bad field, and records nothing', async () => {
    const garbage = await register({
      ...registrationOf('kh-bad', 'geneva', HEARTBEAT_MS),
      hostKey: { publicKey: 'not a key', signedAt: 'yesterday', signature: 42 },
    });
    expect(garbage).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    if (garbage.ok) return;
    const paths = (garbage.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['hostKey.publicKey', 'hostKey.signedAt', 'hostKey.signature']),
    );

    const forged = signedBy(HostKey.ephemeral(), 'kh-bad');
    forged.agentRunId = randomUUID();
    expect(await register(forged)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: [{ path: 'hostKey.signature' }] },
    });
    expect(await inv.eventTypes('kh-bad')).toEqual([]);
  });
});
