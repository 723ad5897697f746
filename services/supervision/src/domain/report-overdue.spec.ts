import { agentCameBackWithout, reportDueHeartbeats, speaksOfLost } from './report-overdue';

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
    for (const state of ['running', 'healthy', 'starting', 'stopping', 'failed'] as const)
      expect(agentCameBackWithout({ state }, back, due + 60_000, window)).toBe(false);
  });

  it('holds off for one window from the first word its agent said of it since the return', () => {
    const firstWordAt = due - 1000;

    expect(agentCameBackWithout({ state: 'lost' }, back, due, window, firstWordAt)).toBe(false);
    expect(
      agentCameBackWithout({ state: 'lost' }, back, firstWordAt + 4999, window, firstWordAt),
    ).toBe(false);
    expect(
      agentCameBackWithout({ state: 'lost' }, back, firstWordAt + 5000, window, firstWordAt),
    ).toBe(true);
  });

  it('fails it two windows after the return whatever its agent said', () => {
    const twoWindows = 100_000 + 2 * reportDueHeartbeats * 1000;

    expect(
      agentCameBackWithout({ state: 'lost' }, back, twoWindows - 1, window, twoWindows - 2),
    ).toBe(false);
    expect(agentCameBackWithout({ state: 'lost' }, back, twoWindows, window, twoWindows - 1)).toBe(
      true,
    );
  });

  it('counts the two windows from when supervision began to listen, if that was after the return', () => {
    const late = { ...window, listeningSince: 150_000 };

    expect(agentCameBackWithout({ state: 'lost' }, back, 159_999, late, 159_000)).toBe(false);
    expect(agentCameBackWithout({ state: 'lost' }, back, 160_000, late, 159_000)).toBe(true);
  });

  it('gives no more time for a word said before the return than the return itself gives', () => {
    expect(agentCameBackWithout({ state: 'lost' }, back, due, window, 50_000)).toBe(true);
  });
});

describe("a returning agent's word of an instance", () => {
  const lost = { state: 'lost' as const, host: 'h1' };
  const up = { down: false, epoch: 3 };
  const word = (state: string, extra: { host?: string; epoch?: number } = {}) => ({
    host: 'h1',
    state,
    epoch: 3,
    ...extra,
  });

  it('speaks of the lost instance in any state it holds it in', () => {
    for (const state of ['starting', 'running', 'healthy', 'stopping', 'paused', 'migrating'])
      expect(speaksOfLost(word(state), lost, up)).toBe(true);
  });

  it('does not speak of it when it reports its end, which the log records', () => {
    for (const state of ['stopped', 'failed'])
      expect(speaksOfLost(word(state), lost, up)).toBe(false);
  });

  it('does not speak of it from another host, an earlier agent run, or a host still down', () => {
    expect(speaksOfLost(word('paused', { host: 'h2' }), lost, up)).toBe(false);
    expect(speaksOfLost(word('paused', { epoch: 2 }), lost, up)).toBe(false);
    expect(speaksOfLost(word('paused'), lost, { down: true, epoch: 3 })).toBe(false);
    expect(speaksOfLost(word('paused'), lost, undefined)).toBe(false);
  });

  it('does not speak of an instance that is not lost', () => {
    expect(speaksOfLost(word('paused'), { state: 'healthy', host: 'h1' }, up)).toBe(false);
    expect(speaksOfLost(word('paused'), undefined, up)).toBe(false);
  });
});
