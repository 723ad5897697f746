import { defaultLivenessPolicy, type LivenessPolicy } from './liveness-policy';
import { LivenessTracker, type LivenessChange, type LoggedHost } from './liveness-tracker';

/**
 * Agents' clocks may be minutes off and may step: none of that may change a liveness verdict
 * (docs/reference/agent-protocol.md#heartbeats). Each case is a sequence that declared a live host
 * dead, or a dead one partitioned, when inventory compared the agents' dates with its own clock.
 */

const minute = 60_000;
/** Down after 3 s, ticked every 250 ms, a lease TTL of 2 s. */
const policy: LivenessPolicy = { ...defaultLivenessPolicy, downAfterMs: 3000, tickMs: 250 };

function setup() {
  /** The tracker's clock: inventory's, never stepping (monotonic). */
  const clock = { now: 1_700_000_000_000 };
  const tracker = new LivenessTracker(policy, () => clock.now);
  const seqs = new Map<string, number>();
  /**
   * One heartbeat as an agent sends it: the next seq of its run, dated `sentAt` on its own clock.
   * The date is what a wrong clock changes; the tracker is not given it.
   */
  const beat = (host: string, epoch: number, sentAt: number) => {
    void sentAt;
    const seq = (seqs.get(`${host}/${epoch}`) ?? 0) + 1;
    seqs.set(`${host}/${epoch}`, seq);
    return tracker.heartbeat(host, epoch, seq);
  };
  /** Runs for `ms`, beating every second with the date `dateOf` gives, collecting changes. */
  const run = (ms: number, host?: string, epoch = 1, dateOf = (now: number) => now) => {
    const changes: LivenessChange[] = [];
    for (let t = 0; t < ms; t += 250) {
      clock.now += 250;
      if (host && clock.now % 1000 === 0) {
        const outcome = beat(host, epoch, dateOf(clock.now));
        expect(outcome.accepted).toBe(true);
        if (outcome.accepted && outcome.change) changes.push(outcome.change);
      }
      changes.push(...tracker.tick());
    }
    return changes;
  };
  return { clock, tracker, beat, run };
}

describe('liveness tracker: agents whose clocks are off or step', () => {
  it('keeps a host ready after its clock steps 4 minutes back (NTP correcting a clock ahead)', () => {
    const { tracker, run } = setup();
    tracker.track('h1', 'geneva', 1);
    expect(run(5000, 'h1', 1, (now) => now + 4 * minute)).toEqual([]);
    expect(run(30_000, 'h1', 1, (now) => now)).toEqual([]);
    expect(tracker.view('h1')!.liveness).toBe('ready');
  });

  it("keeps hosts ready after inventory's wall clock steps 3 seconds forward", () => {
    const { tracker, run } = setup();
    tracker.track('h1', 'geneva', 1);
    expect(run(5000, 'h1')).toEqual([]);
    // The agents' dates now read 3 s behind inventory's wall clock; the tracker's clock is monotonic.
    expect(run(30_000, 'h1', 1, (now) => now - 3000)).toEqual([]);
  });

  it('keeps a host ready after one heartbeat dated 10 seconds ahead', () => {
    const { tracker, run, beat, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    run(3000, 'h1');
    expect(beat('h1', 1, clock.now + 10_000)).toEqual({ accepted: true });
    expect(run(30_000, 'h1')).toEqual([]);
  });

  it('keeps a host ready whose clock drifts slower than inventory’s', () => {
    const { tracker, run } = setup();
    tracker.track('h1', 'geneva', 1);
    const start = 1_700_000_000_000;
    // 10 % slow: 3 s behind after 30 s, far beyond any drift a real clock shows in an epoch.
    expect(run(30_000, 'h1', 1, (now) => start + Math.round((now - start) * 0.9))).toEqual([]);
  });

  it('keeps a host ready after a take-over that met its new epoch from a corrected clock', () => {
    const { tracker, run, beat, clock } = setup();
    // A standby heard epoch 1 from a clock 4 minutes ahead.
    tracker.track('h1', 'geneva', 1);
    for (let i = 0; i < 5; i++) {
      beat('h1', 1, clock.now + 4 * minute);
      clock.now += 1000;
    }
    // The clock was corrected, the agent registered again through another replica (epoch 2), and
    // that replica died before this one heard an epoch-2 heartbeat.
    const logged: LoggedHost = { id: 'h1', site: 'geneva', epoch: 2, liveness: 'ready' };
    tracker.takeOver([logged]);
    expect(run(30_000, 'h1', 2)).toEqual([]);
    expect(tracker.view('h1')).toMatchObject({ liveness: 'ready', epoch: 2 });
  });

  it('asks a down host to register again on every heartbeat of its epoch, a repeated one too', () => {
    const { tracker, run, beat, clock } = setup();
    tracker.track('h1', 'geneva', 1);
    run(3250);
    expect(tracker.resolveDown('h1', 1, null)).toMatchObject({ kind: 'down', cause: 'dead' });
    expect(beat('h1', 1, clock.now)).toEqual({ accepted: false, reason: 'host-down' });
    expect(tracker.heartbeat('h1', 1, 1)).toEqual({ accepted: false, reason: 'host-down' });
  });

  describe('a tracker that never heard the epoch (inventory restarted) reading the lease', () => {
    it('declares a dead host whose clock runs 4 minutes ahead dead', () => {
      const { tracker, run, clock } = setup();
      tracker.track('dead', 'geneva', 1);
      expect(run(3250).map((c) => c.kind)).toEqual(['suspect', 'check-down']);
      // Its last renewal was 10 s ago, dated 4 minutes ahead: it will not move again.
      const lease = { renewedAt: clock.now - 10_000 + 4 * minute, epoch: 1 };
      expect(tracker.resolveDown('dead', 1, lease)).toMatchObject({ kind: 'reread' });
      expect(run(2000)).toEqual([{ kind: 'check-down', host: 'dead', epoch: 1, site: 'geneva' }]);
      expect(tracker.resolveDown('dead', 1, lease)).toMatchObject({ kind: 'down', cause: 'dead' });
    });

    it('declares a cut-off host whose clock runs 4 minutes behind partitioned', () => {
      const { tracker, run, clock } = setup();
      tracker.track('cut', 'geneva', 1);
      run(3250);
      const renewed = () => ({ renewedAt: clock.now - 200 - 4 * minute, epoch: 1 });
      expect(tracker.resolveDown('cut', 1, renewed())).toMatchObject({ kind: 'reread' });
      run(2000);
      expect(tracker.resolveDown('cut', 1, renewed())).toMatchObject({
        kind: 'down',
        cause: 'partitioned',
      });
    });
  });

  it('compares with the reading taken at the suspicion: the check comes a lease TTL after it', () => {
    const { tracker, run, clock } = setup();
    tracker.track('cut', 'geneva', 1);
    expect(run(2000).map((c) => c.kind)).toEqual(['suspect']);
    tracker.noteLease('cut', 1, { renewedAt: clock.now + 7 * minute, epoch: 1 });
    // Checked a TTL after that reading (4 s after the last heartbeat), not at the 3 s threshold.
    expect(run(1750)).toEqual([]);
    expect(run(250)).toEqual([{ kind: 'check-down', host: 'cut', epoch: 1, site: 'geneva' }]);
    const moved = { renewedAt: clock.now + 7 * minute, epoch: 1 };
    expect(tracker.resolveDown('cut', 1, moved)).toMatchObject({ cause: 'partitioned' });
  });
});
