import { FederaError } from '@federa/contracts';
import type { HostAttributes } from './host-attributes';
import type { HostCommand } from './host-commands';
import {
  decideHost,
  foldHost,
  initialHostRecord,
  publicHostState,
  type HostRecord,
} from './host-decider';
import type { HostEvent } from './host-events';

let runs = 0;
const attributes: HostAttributes = {
  site: 'geneva',
  layers: ['process', 'qemu'],
  capacity: {
    cpuMillis: 8000,
    memoryBytes: 32 * 2 ** 30,
    storageBytes: 500 * 2 ** 30,
    bandwidthBps: 1e10,
  },
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  securityLevel: 3,
  features: { ups: true, raid: false },
  labels: { rack: 'r1' },
};

/** Runs commands one after the other, folding what each decides, like the command handler does. */
function run(commands: HostCommand[], host = 'mph-1'): { record: HostRecord; events: HostEvent[] } {
  const events: HostEvent[] = [];
  for (const command of commands) events.push(...decideHost(command, foldHost(host, events)));
  return { record: foldHost(host, events), events };
}

describe('host decider', () => {
  it('registers a new host at epoch 1 with everything the agent told', () => {
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
    ]);
    expect(events).toEqual([
      {
        type: 'HostRegistered',
        data: { host: 'mph-1', epoch: 1, ...attributes, agentRunId: expect.any(String) },
      },
    ]);
    expect(record.epoch).toBe(1);
    expect(publicHostState(record)).toBe('ready');
  });

  it('bumps the epoch and records a recovery when the agent registers again after a restart', () => {
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
    ]);
    expect(events.map((e) => e.type)).toEqual(['HostRegistered', 'HostRecovered']);
    expect(events[1].data).toEqual({
      host: 'mph-1',
      epoch: 2,
      reason: 're-registered',
      from: 'ready',
      agentRunId: expect.any(String),
    });
    expect(record.epoch).toBe(2);
  });

  it('changes nothing when the same agent run retries its registration', () => {
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: 'run-a' },
      { type: 'RegisterHost', attributes, agentRunId: 'run-a' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['HostRegistered']);
    expect(record.epoch).toBe(1);
  });

  it('records the new description when a restarted agent registers other layers or costs', () => {
    const changed = { ...attributes, layers: ['process' as const] };
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'RegisterHost', attributes: changed, agentRunId: `run-${++runs}` },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'HostRegistered',
      'HostRegistered',
      'HostRecovered',
    ]);
    expect(events[1].data).toMatchObject({ epoch: 2, layers: ['process'] });
    expect(record.attributes?.layers).toEqual(['process']);
  });

  it('records a capacity change when a re-registering host reports other capacity', () => {
    const bigger = { ...attributes, capacity: { ...attributes.capacity, cpuMillis: 16000 } };
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'RegisterHost', attributes: bigger, agentRunId: `run-${++runs}` },
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'HostRegistered',
      'HostRecovered',
      'HostCapacityChanged',
    ]);
    expect(events[2].data).toEqual({ host: 'mph-1', capacity: bigger.capacity });
    expect(record.attributes?.capacity.cpuMillis).toBe(16000);
  });

  it('goes ready, suspect, down and back to ready, recording the cause of the down', () => {
    const evidence = { checkedAt: '2025-01-01T00:00:03.000Z', leaseTtlMs: 3000 };
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'SuspectHost', epoch: 1, lastHeartbeatAt: null, silentForMs: 2000 },
      { type: 'DeclareHostDown', epoch: 1, cause: 'dead', evidence, instances: ['i-1'] },
    ]);
    expect(publicHostState(record)).toBe('down');
    expect(events[1]).toEqual({
      type: 'HostSuspected',
      data: { host: 'mph-1', silentForMs: 2000 },
    });
    expect(events[2]).toEqual({
      type: 'HostDown',
      data: {
        host: 'mph-1',
        reason: expect.stringMatching(/dead/),
        instances: ['i-1'],
        cause: 'dead',
        evidence,
      },
    });
    const at = '2025-01-01T00:00:09.000Z';
    const recovered = decideHost({ type: 'RecoverHost', epoch: 1, lastHeartbeatAt: at }, record);
    expect(recovered).toEqual([
      {
        type: 'HostRecovered',
        data: { host: 'mph-1', epoch: 1, from: 'down', reason: 'heartbeat', lastHeartbeatAt: at },
      },
    ]);
  });

  it('ignores liveness commands of a stale epoch', () => {
    const { record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
    ]);
    expect(
      decideHost(
        { type: 'SuspectHost', epoch: 1, lastHeartbeatAt: null, silentForMs: 2000 },
        record,
      ),
    ).toEqual([]);
  });

  it('records a deferred down once, until the host is down or recovers', () => {
    const retryAt = '2025-01-01T00:01:00.000Z';
    const defer: HostCommand = {
      type: 'DeferHostDown',
      epoch: 1,
      retryAt,
      limitPerMinute: 1,
      silentHosts: 3,
    };
    const { events } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'SuspectHost', epoch: 1, lastHeartbeatAt: null, silentForMs: 2000 },
      defer,
      defer,
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'HostRegistered',
      'HostSuspected',
      'HostDownRateLimited',
    ]);
    expect(events[2].data).toEqual({
      host: 'mph-1',
      site: 'geneva',
      limit: 1,
      silentHosts: 3,
      retryAt,
    });
  });

  it('cordons and uncordons, doing nothing when already there', () => {
    const { events, record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'CordonHost', reason: 'maintenance' },
      { type: 'CordonHost' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['HostRegistered', 'HostCordoned']);
    expect(record.cordoned).toBe(true);
    expect(decideHost({ type: 'UncordonHost' }, record)).toEqual([
      { type: 'HostUncordoned', data: { host: 'mph-1' } },
    ]);
  });

  const empty = () =>
    run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'DrainHost', instances: [] },
    ]);

  it('starts a drain listing the instances to evacuate, and finishes it at once on an empty host', () => {
    const busy = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'DrainHost', instances: ['i-1'] },
    ]);
    expect(busy.events.slice(1)).toEqual([
      { type: 'HostDrainStarted', data: { host: 'mph-1', instances: ['i-1'] } },
    ]);
    expect(empty().events[2]).toEqual({
      type: 'HostDrained',
      data: { host: 'mph-1', evacuated: [], notRelocatable: [] },
    });
    expect(publicHostState(busy.record)).toBe('draining');
    expect(empty().events.map((e) => e.type)).toEqual([
      'HostRegistered',
      'HostDrainStarted',
      'HostDrained',
    ]);
    expect(publicHostState(empty().record)).toBe('drained');
  });

  it('refuses to retire a host that still runs instances unless forced', () => {
    const { record } = run([{ type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` }]);
    expect(() =>
      decideHost({ type: 'RetireHost', force: false, instances: ['i-1'] }, record),
    ).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(decideHost({ type: 'RetireHost', force: true, instances: ['i-1'] }, record)).toEqual([
      { type: 'HostRetired', data: { host: 'mph-1', forced: true } },
    ]);
  });

  it('refuses operator actions and registration on a retired host', () => {
    const { record } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      { type: 'RetireHost', force: false, instances: [] },
    ]);
    expect(publicHostState(record)).toBe('retired');
    for (const command of [
      { type: 'CordonHost' },
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
    ] as HostCommand[]) {
      expect(() => decideHost(command, record)).toThrow(FederaError);
    }
  });

  it('answers not found for commands on a host that never registered', () => {
    expect(() => decideHost({ type: 'CordonHost' }, initialHostRecord('ghost'))).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });
});

describe('host events against the contract', () => {
  it('emits only data that the contracts registry accepts', () => {
    const { validateEvent } = jest.requireActual(
      '@federa/contracts',
    ) as typeof import('@federa/contracts');
    const { events } = run([
      { type: 'RegisterHost', attributes, agentRunId: `run-${++runs}` },
      {
        type: 'SuspectHost',
        epoch: 1,
        lastHeartbeatAt: '2025-01-01T00:00:00.000Z',
        silentForMs: 2000,
      },
      {
        type: 'DeferHostDown',
        epoch: 1,
        retryAt: '2025-01-01T00:01:00.000Z',
        limitPerMinute: 1,
        silentHosts: 2,
      },
      {
        type: 'DeclareHostDown',
        epoch: 1,
        cause: 'partitioned',
        evidence: {
          lastHeartbeatAt: '2025-01-01T00:00:00.000Z',
          checkedAt: '2025-01-01T00:00:03.000Z',
          lease: { renewedAt: '2025-01-01T00:00:02.500Z', epoch: 1 },
          leaseTtlMs: 3000,
        },
        instances: [],
      },
      { type: 'RecoverHost', epoch: 1, lastHeartbeatAt: '2025-01-01T00:00:04.000Z' },
      {
        type: 'RegisterHost',
        attributes: { ...attributes, capacity: { ...attributes.capacity, cpuMillis: 1 } },
        agentRunId: 'run-z',
      },
      { type: 'CordonHost', reason: 'maintenance' },
      { type: 'UncordonHost' },
      { type: 'DrainHost', instances: [] },
      { type: 'RetireHost', force: false, instances: [] },
    ]);
    expect(events).toHaveLength(12);
    for (const event of events)
      expect([event.type, validateEvent(event.type, 1, event.data)]).toEqual([event.type, []]);
  });
});
