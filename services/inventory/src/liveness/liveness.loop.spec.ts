import type { PostgresLeaderLease } from '@federa/eventstore';
import type { HostCommandHandler } from '../api/host-command.handler';
import { defaultLivenessPolicy } from '../domain/liveness-policy';
import { LivenessTracker } from '../domain/liveness-tracker';
import type { HostReadModel } from '../infrastructure/host-read-model';
import type { HostRoster } from '../infrastructure/host-roster';
import type { InventoryConfig } from '../inventory-config';
import { LivenessLoop } from './liveness.loop';

/** A leader loop whose commands take as long as `delays` says, recording when each ran. */
async function leaderLoop(delays: Record<string, number>, fail: Set<string> = new Set()) {
  const tracker = new LivenessTracker({ ...defaultLivenessPolicy, tickMs: 10 }, () => Date.now());
  const ran: string[] = [];
  const commands = {
    execute: async (host: string, command: { type: string }) => {
      ran.push(`${command.type} ${host} began`);
      await new Promise((resolve) => setTimeout(resolve, delays[command.type] ?? 0));
      ran.push(`${command.type} ${host} ended`);
      if (fail.has(command.type)) throw new Error('the log was away');
      return { events: [] };
    },
  } as unknown as HostCommandHandler;
  const lease = {
    holds: async () => true,
    isHeld: true,
    release: async () => undefined,
  } as unknown as PostgresLeaderLease;
  const roster = {
    trackNew: async () => undefined,
    takeOver: async () => undefined,
  } as unknown as HostRoster;
  const config = { liveness: { tickMs: 10 }, leaseDir: '/nonexistent' } as InventoryConfig;
  const loop = new LivenessLoop(tracker, commands, {} as HostReadModel, roster, lease, config);
  await loop.onApplicationBootstrap();
  while (!loop.isLeader) await new Promise((resolve) => setTimeout(resolve, 5));
  return { loop, tracker, ran };
}

describe('the liveness loop', () => {
  it("records a host's recovery only once its suspicion is in the log, however slow that append", async () => {
    const { loop, ran } = await leaderLoop({ SuspectHost: 50 });
    loop.record({ kind: 'suspect', host: 'h1', epoch: 1, lastHeartbeatAt: 1, silentForMs: 1200 });
    loop.record({ kind: 'recover', host: 'h1', epoch: 1, lastHeartbeatAt: 2 });
    loop.record({ kind: 'suspect', host: 'h2', epoch: 1, lastHeartbeatAt: 1, silentForMs: 1200 });
    await loop.onModuleDestroy();
    expect(ran.filter((line) => line.includes(' h1 '))).toEqual([
      'SuspectHost h1 began',
      'SuspectHost h1 ended',
      'RecoverHost h1 began',
      'RecoverHost h1 ended',
    ]);
    // Another host does not wait for it.
    expect(ran.indexOf('SuspectHost h2 began')).toBeLessThan(ran.indexOf('SuspectHost h1 ended'));
  });

  it('has the tracker ask again for a recovery it could not record', async () => {
    const { loop, tracker } = await leaderLoop({}, new Set(['RecoverHost']));
    tracker.track('h1', 'geneva', 1);
    tracker.heartbeat('h1', 1, Date.now());
    loop.record({ kind: 'recover', host: 'h1', epoch: 1, lastHeartbeatAt: Date.now() });
    await loop.onModuleDestroy();
    expect(tracker.view('h1')!.liveness).toBe('suspect');
  });
});
