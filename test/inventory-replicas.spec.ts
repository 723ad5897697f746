import type { INestMicroservice } from '@nestjs/common';
import { eventually } from '@federa/testing';
import { LivenessTracker } from '../services/inventory/src/domain/liveness-tracker';
import { HostCommandHandler } from '../services/inventory/src/api/host-command.handler';
import { LivenessLoop } from '../services/inventory/src/liveness/liveness.loop';
import { startInventory } from '../services/inventory/src/main';
import { RegistrationController } from '../services/inventory/src/api/registration.controller';
import { registrationOf, type FakeAgent } from './inventory-fake-agent';
import { InventoryHarness } from './inventory-harness';

const HEARTBEAT_MS = 250;
// Suspect after six missed heartbeats, not two: a loaded machine must not make beating hosts suspect.
const SUSPECT_AFTER_MISSED = 6;
const DOWN_AFTER_MS = 2000;

jest.setTimeout(60_000);

/**
 * Two inventory replicas on one database and one subject prefix: both hear every heartbeat, one
 * (the holder of the liveness lease) records liveness, and the other takes over when it stops.
 */
describe('inventory: two replicas, one recording liveness', () => {
  let inv: InventoryHarness;
  let second: INestMicroservice;
  let leader: INestMicroservice;
  let standby: INestMicroservice;
  const agents = new Map<string, FakeAgent>();
  const stopped = new Set<INestMicroservice>();

  beforeAll(async () => {
    inv = await InventoryHarness.start({
      FEDERA_HEARTBEAT_MS: String(HEARTBEAT_MS),
      FEDERA_SUSPECT_AFTER_MISSED: String(SUSPECT_AFTER_MISSED),
      FEDERA_DOWN_AFTER_MS: String(DOWN_AFTER_MS),
      FEDERA_LIVENESS_TICK_MS: '50',
    });
    second = await startInventory(inv.config);
  });

  afterAll(async () => {
    // The harness closes inv.app (the replica still running once a test stopped the other one).
    if (second && second !== inv.app && !stopped.has(second)) await second.close();
    await inv?.stop();
  });

  const isLeader = (app: INestMicroservice) => app.get(LivenessLoop).isLeader;
  const heardOf = (app: INestMicroservice, host: string) =>
    app.get(LivenessTracker).view(host)?.lastHeartbeatAt != null;
  const count = async (host: string, type: string) =>
    (await inv.events(host)).filter((e) => e.type === type).length;

  /** Registers `host` through `app` itself (not the shared queue group), then starts its heartbeats. */
  async function beatingVia(app: INestMicroservice, host: string): Promise<FakeAgent> {
    const agent = inv.agent(host, 'site-replicas');
    const { epoch } = await app
      .get(RegistrationController)
      .register(registrationOf(host, 'site-replicas', HEARTBEAT_MS));
    agent.epoch = epoch;
    agent.start();
    agents.set(host, agent);
    return agent;
  }

  it('has one leader, and both replicas hear hosts that either of them registered', async () => {
    await eventually(() => isLeader(inv.app) !== isLeader(second));
    [leader, standby] = isLeader(inv.app) ? [inv.app, second] : [second, inv.app];
    await beatingVia(standby, 'by-standby');
    await beatingVia(leader, 'by-leader');
    await beatingVia(leader, 'stays');
    for (const app of [leader, standby]) {
      for (const host of agents.keys()) await eventually(() => heardOf(app, host));
    }
    expect(isLeader(leader)).toBe(true);
    expect(isLeader(standby)).toBe(false);
  });

  it('records one HostDown for a silent host, though both replicas saw it go silent', async () => {
    // Registered through the standby: the leader knows it only from the log.
    const standbyCommands = jest.spyOn(standby.get(HostCommandHandler), 'execute');
    agents.get('by-standby')!.stop();
    await eventually(async () => (await count('by-standby', 'HostDown')) > 0);
    // Long enough for a second replica, had it recorded too, to have declared the host down.
    await new Promise((r) => setTimeout(r, DOWN_AFTER_MS));
    const decidedByStandby = standbyCommands.mock.calls.filter(
      ([, , origin]) => origin.actor === 'inventory:liveness',
    );
    standbyCommands.mockRestore();
    expect(decidedByStandby).toEqual([]);
    expect(await inv.eventTypes('by-standby')).toEqual([
      'HostRegistered',
      'HostSuspected',
      'HostDown',
    ]);
    // The standby heard the silence too, but decided nothing: its tracker is not ticked.
    expect(standby.get(LivenessTracker).view('by-standby')!.liveness).toBe('ready');
  });

  it('lets the standby take over when the leader stops, without suspecting hosts that beat', async () => {
    await leader.close();
    stopped.add(leader);
    // The harness closes inv.app when it stops: hand it the replica still running.
    inv.app = standby;
    await eventually(() => isLeader(standby));
    agents.get('by-leader')!.stop();
    await eventually(async () => (await count('by-leader', 'HostDown')) > 0);
    await new Promise((r) => setTimeout(r, DOWN_AFTER_MS));
    expect(await inv.eventTypes('by-leader')).toEqual([
      'HostRegistered',
      'HostSuspected',
      'HostDown',
    ]);
    expect(await inv.eventTypes('stays')).toEqual(['HostRegistered']);
  });
});
