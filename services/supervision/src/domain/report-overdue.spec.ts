import { agentCameBackWithout, reportDueHeartbeats } from './report-overdue';

describe('a lost instance whose host came back', () => {
  const back = { down: false, upAt: 100_000 };
  const window = { heartbeatMs: 1000, partitionGraceMs: 2000, listeningSince: 0 };
  const due = 100_000 + reportDueHeartbeats * 1000;

  it('counts as gone once its agent let a few heartbeats pass without a word of it', () => {
    expect(agentCameBackWithout({ state: 'lost' }, back, due - 1, window)).toBe(false);
    expect(agentCameBackWithout({ state: 'lost' }, back, due, window)).toBe(true);
  });

  it('waits at least the partition grace when heartbeats are short', () => {
    const quick = { ...window, heartbeatMs: 100, partitionGraceMs: 10_000 };

    expect(agentCameBackWithout({ state: 'lost' }, back, 109_999, quick)).toBe(false);
    expect(agentCameBackWithout({ state: 'lost' }, back, 110_000, quick)).toBe(true);
  });

  it('counts from when supervision began to listen, if that was after the return', () => {
    const late = { ...window, listeningSince: 150_000 };

    expect(agentCameBackWithout({ state: 'lost' }, back, due, late)).toBe(false);
    expect(agentCameBackWithout({ state: 'lost' }, back, 155_000, late)).toBe(true);
  });

  it('keeps waiting while the host is down or its return time is unknown', () => {
    expect(agentCameBackWithout({ state: 'lost' }, { down: true, upAt: 0 }, due, window)).toBe(
      false,
    );
    expect(agentCameBackWithout({ state: 'lost' }, { down: false }, due, window)).toBe(false);
    expect(agentCameBackWithout({ state: 'lost' }, undefined, due, window)).toBe(false);
  });

  it('leaves alone an instance its agent spoke of (no longer lost)', () => {
    for (const state of ['running', 'healthy', 'starting', 'failed'] as const)
      expect(agentCameBackWithout({ state }, back, due + 60_000, window)).toBe(false);
  });
});
