import { AutoscalingPolicy, type ScalingRule } from './autoscaling-policy';

const rule: ScalingRule = {
  scaleOutAbove: 0.75,
  scaleInBelow: 0.25,
  cooldownMs: 3000,
  min: 2,
  max: 3,
};

describe('AutoscalingPolicy', () => {
  it('holds when no load has been reported within the window', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 0.9, 0);
    expect(policy.decide('web', 2, rule, 5000)).toEqual({
      kind: 'hold',
      reason: 'no load samples in the window',
    });
  });

  it('scales out when the average over the window exceeds the threshold, recording its inputs', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 0.7, 100);
    policy.record('web', 0.9, 200);
    policy.record('web', 1.0, 300);
    expect(policy.decide('web', 2, rule, 400)).toEqual({
      kind: 'out',
      from: 2,
      to: 3,
      inputs: {
        averageLoad: expect.closeTo(0.8667, 3),
        samples: 3,
        windowMs: 1000,
        threshold: 0.75,
        replicas: 2,
      },
    });
  });

  it('does not scale out on one spike that the window averages away', () => {
    const policy = new AutoscalingPolicy(1000);
    for (const [at, load] of [
      [100, 0.3],
      [200, 0.3],
      [300, 0.95],
    ])
      policy.record('web', load, at);
    expect(policy.decide('web', 2, rule, 400).kind).toBe('hold');
  });

  it('never scales out beyond max', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 1, 100);
    expect(policy.decide('web', 3, rule, 200)).toEqual({ kind: 'hold', reason: 'at max (3)' });
  });

  it('waits a window after a decision before scaling out again', () => {
    const policy = new AutoscalingPolicy(1000);
    const wide = { ...rule, max: 10 };
    policy.record('web', 1, 100);
    expect(policy.decide('web', 2, wide, 100).kind).toBe('out');
    policy.record('web', 1, 500);
    expect(policy.decide('web', 3, wide, 500).kind).toBe('hold');
    policy.record('web', 1, 1200);
    expect(policy.decide('web', 3, wide, 1200).kind).toBe('out');
  });

  it('scales in only after the load has stayed below the threshold for the cooldown', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 0.1, 0);
    expect(policy.decide('web', 3, rule, 0).kind).toBe('hold');
    policy.record('web', 0.1, 2000);
    expect(policy.decide('web', 3, rule, 2000).kind).toBe('hold');
    policy.record('web', 0.1, 3000);
    expect(policy.decide('web', 3, rule, 3000)).toEqual({
      kind: 'in',
      from: 3,
      to: 2,
      inputs: {
        averageLoad: 0.1,
        samples: 2,
        windowMs: 1000,
        threshold: 0.25,
        replicas: 3,
        belowForMs: 3000,
      },
    });
  });

  it('restarts the cooldown when the load rises in between', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 0.1, 0);
    policy.decide('web', 3, rule, 0);
    policy.record('web', 0.5, 1500);
    policy.decide('web', 3, rule, 1500);
    policy.record('web', 0.1, 2600);
    expect(policy.decide('web', 3, rule, 3100).kind).toBe('hold');
    policy.record('web', 0.1, 5600);
    expect(policy.decide('web', 3, rule, 5600).kind).toBe('hold');
    policy.record('web', 0.1, 6100);
    expect(policy.decide('web', 3, rule, 6100).kind).toBe('in');
  });

  it('never scales in below min', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 0, 0);
    policy.decide('web', 2, rule, 0);
    policy.record('web', 0, 5000);
    expect(policy.decide('web', 2, rule, 5000)).toEqual({ kind: 'hold', reason: 'at min (2)' });
  });

  it('keeps applications apart', () => {
    const policy = new AutoscalingPolicy(1000);
    policy.record('web', 1, 100);
    policy.record('api', 0.5, 100);
    expect(policy.decide('api', 2, rule, 200).kind).toBe('hold');
    expect(policy.decide('web', 2, rule, 200).kind).toBe('out');
  });
});
