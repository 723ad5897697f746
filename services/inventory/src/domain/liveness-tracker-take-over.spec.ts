import { defaultLivenessPolicy, type LivenessPolicy } from './liveness-policy';
import { LivenessTracker, type LivenessChange, type LoggedHost } from './liveness-tracker';

/** The thresholds these cases count in: down after 3 s, ticked every 250 ms. */
const policy: LivenessPolicy = { ...defaultLivenessPolicy, downAfterMs: 3000, tickMs: 250 };

/** A standby's tracker: it hears heartbeats but is never ticked until it takes over. */
function standby() {
  const clock = { now: 1_700_000_000_000 };
  const tracker = new LivenessTracker(policy, () => clock.now);
  const beat = (host: string, epoch = tracker.view(host)!.epoch) =>
    tracker.heartbeat(host, epoch, clock.now);
  /** Ticks every 250 ms for `ms`, collecting what the tracker asks to record. */
  const run = (ms: number): LivenessChange[] => {
    const changes: LivenessChange[] = [];
    for (let t = 0; t < ms; t += 250) {
      clock.now += 250;
      changes.push(...tracker.tick());
    }
    return changes;
  };
  return { clock, tracker, beat, run };
}

const ready = (id: string, epoch = 1): LoggedHost => ({
  id,
  site: 'geneva',
  epoch,
  liveness: 'ready',
});

describe('liveness tracker: taking over from another replica', () => {
  it('gives a host it never heard a full down threshold from the take-over, however long it stood by', () => {
    const { clock, tracker, run } = standby();
    tracker.track('quiet', 'geneva', 1);
    clock.now += 60_000;
    tracker.takeOver([ready('quiet')]);
    const tookOverAt = clock.now;
    expect(run(1750)).toEqual([]);
    expect(run(250)).toEqual([
      { kind: 'suspect', host: 'quiet', epoch: 1, lastHeartbeatAt: null, silentForMs: 2000 },
    ]);
    expect(run(750)).toEqual([]);
    expect(run(250)).toEqual([{ kind: 'check-down', host: 'quiet', epoch: 1, site: 'geneva' }]);
    expect(clock.now - tookOverAt).toBe(policy.downAfterMs);
  });

  it('gives the same grace to a host the log knows and this replica never tracked', () => {
    const { tracker, run } = standby();
    tracker.takeOver([{ ...ready('elsewhere', 3), liveness: 'suspect' }]);
    expect(run(2750)).toEqual([]);
    expect(run(250)).toEqual([{ kind: 'check-down', host: 'elsewhere', epoch: 3, site: 'geneva' }]);
  });

  it('counts from the last heartbeat it heard as a standby: a host silent for long goes at once', () => {
    const { clock, tracker, beat, run } = standby();
    tracker.track('gone', 'geneva', 1);
    tracker.track('alive', 'geneva', 1);
    beat('gone');
    const lastBeat = clock.now;
    for (let t = 0; t < 5000; t += 1000) {
      clock.now += 1000;
      beat('alive');
    }
    tracker.takeOver([ready('gone'), ready('alive')]);
    expect(run(250)).toEqual([
      { kind: 'suspect', host: 'gone', epoch: 1, lastHeartbeatAt: lastBeat, silentForMs: 5250 },
    ]);
    expect(run(250)).toEqual([{ kind: 'check-down', host: 'gone', epoch: 1, site: 'geneva' }]);
    expect(tracker.view('alive')!.liveness).toBe('ready');
  });

  it("takes the log's liveness: a host the old leader declared down recovers once it registered again", () => {
    const { clock, tracker, beat, run } = standby();
    tracker.track('back', 'geneva', 1);
    beat('back');
    tracker.takeOver([{ ...ready('back'), liveness: 'down' }]);
    expect(run(10_000)).toEqual([]);
    expect(tracker.view('back')!.liveness).toBe('down');
    expect(beat('back')).toEqual({ accepted: false, reason: 'host-down' });
    expect(beat('back', 2)).toEqual({
      accepted: true,
      change: { kind: 'recover', host: 'back', epoch: 2, lastHeartbeatAt: clock.now },
    });
  });

  it('keeps the newer of the two epochs, forgets hosts the log no longer watches, and drops old checks', () => {
    const { tracker, beat, run } = standby();
    tracker.track('renewed', 'geneva', 1);
    beat('renewed', 2);
    tracker.track('retired', 'geneva', 1);
    tracker.track('checked', 'geneva', 1);
    tracker.takeOver([ready('renewed'), ready('retired'), ready('checked')]);
    expect(run(3000)).toContainEqual({
      kind: 'check-down',
      host: 'checked',
      epoch: 1,
      site: 'geneva',
    });
    tracker.takeOver([ready('renewed', 1), { ...ready('checked'), liveness: 'suspect' }]);
    expect(tracker.view('renewed')!.epoch).toBe(2);
    expect(tracker.view('retired')).toBeUndefined();
    expect(tracker.resolveDown('checked', 1, null)).toEqual({ kind: 'none' });
    expect(tracker.size).toBe(2);
  });
});
