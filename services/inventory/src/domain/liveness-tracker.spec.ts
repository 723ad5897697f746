import { defaultLivenessPolicy, type LivenessPolicy } from './liveness-policy';
import { LivenessTracker, type LivenessChange } from './liveness-tracker';

class FakeClock {
  now = 1_700_000_000_000;
  read = () => this.now;
}

function setup(overrides: Partial<LivenessPolicy> = {}) {
  const clock = new FakeClock();
  const tracker = new LivenessTracker(
    // The thresholds these cases count in (down after 3 s, ticked every 250 ms), unless overridden.
    { ...defaultLivenessPolicy, downAfterMs: 3000, tickMs: 250, ...overrides },
    clock.read,
  );
  /** Advances the clock tick by tick, beating for the hosts in `beating`, collecting changes. */
  const advance = (ms: number, beating: string[] = []): LivenessChange[] => {
    const changes: LivenessChange[] = [];
    for (let t = 0; t < ms; t += 250) {
      clock.now += 250;
      if (clock.now % 1000 === 0) {
        for (const host of beating) {
          const outcome = tracker.heartbeat(host, tracker.view(host)!.epoch, clock.now);
          if (outcome.accepted && outcome.change) changes.push(outcome.change);
        }
      }
      changes.push(...tracker.tick());
    }
    return changes;
  };
  return { clock, tracker, advance };
}

describe('liveness tracker', () => {
  it('keeps a host ready while it beats every second', () => {
    const { tracker, advance } = setup();
    tracker.track('h1', 'geneva', 1);
    expect(advance(10_000, ['h1'])).toEqual([]);
    expect(tracker.view('h1')!.liveness).toBe('ready');
  });

  it('suspects a host after two missed heartbeats and asks to check it after three seconds', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    advance(2000, ['h1']);
    const lastBeat = clock.now;
    const changes = advance(1750);
    expect(changes).toEqual([]);
    const suspected = advance(500);
    expect(suspected).toEqual([
      { kind: 'suspect', host: 'h1', epoch: 1, lastHeartbeatAt: lastBeat, silentForMs: 2000 },
    ]);
    expect(clock.now - lastBeat).toBeGreaterThanOrEqual(2000);
    const checks = advance(1000);
    expect(checks).toEqual([{ kind: 'check-down', host: 'h1', epoch: 1, site: 'geneva' }]);
    expect(clock.now - lastBeat).toBeGreaterThanOrEqual(3000);
  });

  it('declares a host whose lease stood still dead, and one whose lease moved partitioned', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('dead', 'geneva', 1);
    tracker.track('cut', 'geneva', 4);
    advance(3250);
    const stale = { renewedAt: clock.now - 10_000, epoch: 1 };
    // One reading shows no progress: the lease is read again a TTL later.
    expect(tracker.resolveDown('dead', 1, stale)).toEqual({
      kind: 'reread',
      host: 'dead',
      epoch: 1,
      at: clock.now + 2000,
    });
    expect(tracker.resolveDown('cut', 4, { renewedAt: clock.now - 2500, epoch: 4 })).toMatchObject({
      kind: 'reread',
    });
    const rechecks = advance(2000);
    expect(rechecks.map((c) => c.host).sort()).toEqual(['cut', 'dead']);
    const dead = tracker.resolveDown('dead', 1, stale);
    const cut = tracker.resolveDown('cut', 4, { renewedAt: clock.now - 500, epoch: 4 });
    expect(dead).toMatchObject({ kind: 'down', cause: 'dead' });
    expect(cut).toMatchObject({
      kind: 'down',
      cause: 'partitioned',
      evidence: {
        lease: { epoch: 4, renewedAt: new Date(clock.now - 500).toISOString() },
        leaseTtlMs: 2000,
      },
    });
    expect(tracker.view('dead')!.liveness).toBe('down');
  });

  it('reads a lease last renewed just after the final heartbeat of a killed host as dead', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('killed', 'geneva', 2);
    advance(2000);
    // The agent's last lease write landed 600 ms after its last heartbeat that got through, before
    // the reading taken at the suspicion; the down check's reading finds it unchanged.
    const renewedAt = clock.now - 2000 + 600;
    tracker.noteLease('killed', 2, { renewedAt, epoch: 2 });
    expect(advance(1750)).toEqual([]);
    expect(advance(250)).toEqual([
      { kind: 'check-down', host: 'killed', epoch: 2, site: 'geneva' },
    ]);
    expect(tracker.resolveDown('killed', 2, { renewedAt, epoch: 2 })).toMatchObject({
      kind: 'down',
      cause: 'dead',
    });
  });

  it('does not take the lease of an older epoch as evidence of life', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 2);
    advance(3250);
    expect(tracker.resolveDown('h1', 2, { renewedAt: clock.now, epoch: 1 })).toMatchObject({
      cause: 'dead',
    });
  });

  it('ignores heartbeats of the epoch a host went down with: it must register again', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    advance(3250);
    tracker.resolveDown('h1', 1, null);
    expect(tracker.heartbeat('h1', 1, clock.now)).toEqual({
      accepted: false,
      reason: 'host-down',
    });
    expect(tracker.view('h1')!.liveness).toBe('down');
  });

  it('recovers a down host on a heartbeat of a newer epoch (registered through another replica)', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    advance(3250);
    tracker.resolveDown('h1', 1, null);
    expect(tracker.heartbeat('h1', 2, clock.now)).toEqual({
      accepted: true,
      change: { kind: 'recover', host: 'h1', epoch: 2, lastHeartbeatAt: clock.now },
    });
    expect(tracker.view('h1')!.liveness).toBe('ready');
    expect(advance(5000, ['h1'])).toEqual([]);
  });

  it('recovers a suspect host whose heartbeat arrives while its lease is being read', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    expect(advance(3250).map((c) => c.kind)).toEqual(['suspect', 'check-down']);
    expect(tracker.heartbeat('h1', 1, clock.now)).toMatchObject({ change: { kind: 'recover' } });
    expect(tracker.resolveDown('h1', 1, null)).toEqual({ kind: 'none' });
  });

  it('ignores heartbeats of a stale epoch, of unknown hosts, and duplicates or older seqs', () => {
    const { tracker, clock } = setup();
    tracker.track('h1', 'geneva', 3);
    expect(tracker.heartbeat('h1', 2, clock.now)).toEqual({
      accepted: false,
      reason: 'stale-epoch',
    });
    expect(tracker.heartbeat('h9', 1, clock.now)).toEqual({
      accepted: false,
      reason: 'unknown-host',
    });
    expect(tracker.heartbeat('h1', 3, clock.now)).toEqual({ accepted: true });
    expect(tracker.heartbeat('h1', 3, clock.now - 5000)).toEqual({
      accepted: false,
      reason: 'stale-message',
    });
  });

  describe('an agent whose clock is off', () => {
    const minute = 60_000;

    it.each([
      ['4 minutes behind', -4 * minute],
      ['4 minutes ahead', 4 * minute],
    ])('keeps a host whose clock runs %s ready while it beats every second', (_label, skew) => {
      const { tracker, clock } = setup();
      tracker.track('h1', 'geneva', 1);
      const changes: LivenessChange[] = [];
      for (let second = 0; second < 10; second++) {
        const outcome = tracker.heartbeat('h1', 1, clock.now + skew);
        expect(outcome).toEqual({ accepted: true });
        for (let t = 0; t < 4; t++) {
          clock.now += 250;
          changes.push(...tracker.tick());
        }
      }
      expect(changes).toEqual([]);
      // When it beat last, on inventory's clock: the agent's dates are not taken as they are.
      expect(tracker.view('h1')!.lastHeartbeatAt).toBe(clock.now - 1000);
    });

    it('ignores a heartbeat overtaken by a newer one, whatever its date', () => {
      const { tracker, clock } = setup();
      tracker.track('h1', 'geneva', 1);
      expect(tracker.heartbeat('h1', 1, 2)).toEqual({ accepted: true });
      clock.now += 1000;
      // Seq 1, delivered late (reordered): nothing a newer one did not prove.
      expect(tracker.heartbeat('h1', 1, 1)).toEqual({ accepted: false, reason: 'stale-message' });
      expect(tracker.view('h1')!.lastHeartbeatAt).toBe(clock.now - 1000);
    });

    it('learns the clock of a new agent run afresh', () => {
      const { tracker, clock } = setup();
      tracker.track('h1', 'geneva', 1);
      tracker.heartbeat('h1', 1, clock.now + 4 * minute);
      // The host's clock was corrected, and its agent registered again (epoch 2, via another replica).
      expect(tracker.heartbeat('h1', 2, clock.now)).toEqual({ accepted: true });
      clock.now += 1000;
      expect(tracker.heartbeat('h1', 2, clock.now)).toEqual({ accepted: true });
    });
  });

  it('does not let heartbeats of a stale epoch keep a host alive', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 3);
    const changes: LivenessChange[] = [];
    for (let i = 0; i < 16; i++) {
      tracker.heartbeat('h1', 2, clock.now);
      changes.push(...advance(250));
    }
    expect(changes.map((c) => c.kind)).toEqual(['suspect', 'check-down']);
  });

  it('defers downs past the per-site limit, and declares them once the budget frees up', () => {
    const { tracker, advance } = setup({ maxDownPerSitePerMinute: 2 });
    for (const host of ['a', 'b', 'c']) tracker.track(host, 'geneva', 1);
    tracker.track('d', 'lausanne', 1);
    const checks = advance(3250).filter((c) => c.kind === 'check-down');
    const verdicts = checks.map((c) => tracker.resolveDown(c.host, c.epoch, null));
    expect(verdicts.map((v) => v.kind)).toEqual(['down', 'down', 'defer', 'down']);
    expect(tracker.view('c')!.downDeferredUntil).not.toBeNull();
    expect(tracker.view('c')!.liveness).toBe('suspect');
    expect(advance(55_000)).toEqual([]);
    const later = advance(5_000);
    expect(later).toEqual([{ kind: 'check-down', host: 'c', epoch: 1, site: 'geneva' }]);
    expect(tracker.resolveDown('c', 1, null)).toMatchObject({ kind: 'down', cause: 'dead' });
  });

  it('asks again for a down check whose verdict could not be recorded', () => {
    const { tracker, advance } = setup();
    tracker.track('h1', 'geneva', 1);
    advance(3250);
    tracker.retryDownCheck('h1');
    expect(advance(250)).toEqual([{ kind: 'check-down', host: 'h1', epoch: 1, site: 'geneva' }]);
  });
  it('asks again for a recovery that could not be recorded, on the next heartbeat', () => {
    const { tracker, advance, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    advance(2000);
    expect(tracker.view('h1')!.liveness).toBe('suspect');
    expect(tracker.heartbeat('h1', 1, clock.now)).toMatchObject({ change: { kind: 'recover' } });
    tracker.retryRecovery('h1', 1);
    expect(tracker.view('h1')!.liveness).toBe('suspect');
    clock.now += 100;
    expect(tracker.heartbeat('h1', 1, clock.now)).toMatchObject({
      accepted: true,
      change: { kind: 'recover', host: 'h1', epoch: 1 },
    });
    // A recovery of another epoch is no longer this host's: nothing changes.
    tracker.retryRecovery('h1', 0);
    expect(tracker.view('h1')!.liveness).toBe('ready');
  });
});
