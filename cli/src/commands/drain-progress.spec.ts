import type { HostDrainView, HostView } from '@federa/contracts';
import { hostLines } from './describe-host';
import { drainLines, drainOutcome, drainProgressLines } from './drain-progress';

const drain: HostDrainView = {
  state: 'draining',
  startedAt: '2026-12-07T10:00:00.000Z',
  deadlineAt: '2026-12-07T11:00:00.000Z',
  replaceWith: null,
  remaining: ['shop-db-1', 'shop-ledger-1'],
  blocked: [
    { instance: 'shop-ledger-1', service: 'shop', app: 'ledger', reason: 'not relocatable' },
  ],
};

const resources = { cpuMillis: 1000, memoryBytes: 2 ** 30, storageBytes: 0, bandwidthBps: 0 };
const host: HostView = {
  id: 'h1',
  site: 'geneva',
  state: 'draining',
  cordoned: false,
  layers: ['process'],
  capacity: resources,
  allocated: resources,
  securityLevel: 1,
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  features: { ups: false, raid: false },
  labels: {},
  lastHeartbeatAt: '2026-12-07T10:00:05.000Z',
  epoch: 1,
  instances: 2,
  downCause: null,
  downDeferredUntil: null,
  drain,
};

describe('a drain followed with --wait', () => {
  it('shows instances moved out of those it started with, moving, blocked with reasons, and left', () => {
    expect(drainProgressLines(drain, 5, 1)).toEqual([
      '[###--] 3/5 moved, 1 moving, 1 blocked, 2 left (draining)',
      '  blocked shop-ledger-1 (shop/ledger): not relocatable',
    ]);
  });

  it('drops the bar for a host with many instances or none, and says when what moves is unknown', () => {
    expect(drainProgressLines({ ...drain, blocked: [] }, 100, 0)).toEqual([
      '98/100 moved, 0 moving, 0 blocked, 2 left (draining)',
    ]);
    expect(drainProgressLines({ ...drain, blocked: [] }, 100, undefined)).toEqual([
      '98/100 moved, ? moving, 0 blocked, 2 left (draining)',
    ]);
    const empty = { ...drain, state: 'drained' as const, remaining: [], blocked: [] };
    expect(drainProgressLines(empty, 0, 0)).toEqual([
      '0/0 moved, 0 moving, 0 blocked, 0 left (drained)',
    ]);
  });

  it('ends a drain when drained or timed out, and a replacement when its old host is retired', () => {
    expect(drainOutcome(host)).toBe('going');
    expect(drainOutcome({ ...host, drain: { ...drain, state: 'drained' } })).toBe('drained');
    expect(drainOutcome({ ...host, drain: { ...drain, state: 'timed-out' } })).toBe('timed-out');
    const replaced = { ...drain, state: 'drained' as const, replaceWith: 'h2', remaining: [] };
    expect(drainOutcome({ ...host, state: 'drained', drain: replaced })).toBe('going');
    expect(drainOutcome({ ...host, state: 'retired', drain: replaced })).toBe('retired');
    // Instances that could not move keep the old host from being retired: the replacement is over.
    expect(drainOutcome({ ...host, drain: { ...replaced, remaining: ['shop-ledger-1'] } })).toBe(
      'drained',
    );
  });
});

describe('describe host', () => {
  it('shows the drain: since when, its deadline, what is left and what blocks it', () => {
    expect(drainLines(drain)).toEqual([
      'Drain:     draining since 2026-12-07T10:00:00.000Z',
      '  Deadline:  2026-12-07T11:00:00.000Z',
      '  Left:      shop-db-1, shop-ledger-1',
      '  Blocked:',
      '    shop-ledger-1 (shop/ledger): not relocatable',
    ]);
  });

  it('names the new host of a replacement and what stayed after a drain ended', () => {
    expect(
      drainLines({
        ...drain,
        state: 'timed-out',
        deadlineAt: null,
        replaceWith: 'h2',
        remaining: ['shop-db-1'],
        blocked: [],
      }),
    ).toEqual([
      'Drain:     timed-out since 2026-12-07T10:00:00.000Z',
      '  Replacing: everything moves to h2',
      '  Stayed:    shop-db-1',
    ]);
    expect(drainLines(null)).toEqual(['Drain:     never drained']);
  });

  it('says why each instance stayed once a drain timed out', () => {
    const reason = 'disruption budget: db has 2 healthy of replicas.min 2';
    const stayed = { instance: 'shop-db-1', service: 'shop', app: 'db', reason };
    expect(
      drainLines({
        ...drain,
        state: 'timed-out',
        deadlineAt: null,
        replaceWith: null,
        remaining: ['shop-db-1'],
        blocked: [stayed],
      }).slice(-3),
    ).toEqual([
      '  Stayed:    shop-db-1',
      '  Why they stayed:',
      `    shop-db-1 (shop/db): ${reason}`,
    ]);
  });

  it('shows the host with its state, allocation and the drain section last', () => {
    const lines = hostLines({ ...host, cordoned: true, labels: { rack: 'r1' } });
    expect(lines).toEqual(
      expect.arrayContaining([
        'Host:      h1',
        'State:     draining (cordoned)',
        'Labels:    rack=r1',
        'Instances: 2',
        '  cpu       1 of 1',
      ]),
    );
    expect(lines.slice(-5)).toEqual(drainLines(drain));
  });
});
