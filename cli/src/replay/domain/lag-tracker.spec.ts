import { LagTracker } from './lag-tracker';

describe('LagTracker', () => {
  it("samples the time from a command's answer to its own event in the feed", () => {
    const lag = new LagTracker(60_000);
    const defined = lag.expect('ServiceDefined', 'service-a');
    const moved = lag.expect('MigrationStarted', undefined);
    lag.acknowledged(defined, 100);
    lag.acknowledged(moved, 200);
    expect(lag.currentMs(250)).toBe(150);
    lag.observe('ServiceDefined', 'service-b', 260);
    lag.observe('ServiceDefined', 'service-a', 270);
    lag.observe('MigrationStarted', 'migration-x', 300);
    expect(lag.samples).toEqual([170, 100]);
    expect(lag.seen).toBe(3);
    expect(lag.currentMs(400)).toBe(0);
  });

  it('samples 0 for an event the feed showed before the command was answered', () => {
    const lag = new LagTracker(60_000);
    const defined = lag.expect('ServiceDefined', 'service-a');
    lag.observe('ServiceDefined', 'service-a', 90);
    lag.acknowledged(defined, 100);
    expect(lag.samples).toEqual([0]);
    expect(lag.currentMs(1000)).toBe(0);
  });

  it('takes no sample of a refused command', () => {
    const lag = new LagTracker(60_000);
    const drain = lag.expect('HostDrainStarted', 'host-h1');
    lag.forget(drain);
    expect(lag.currentMs(1000)).toBe(0);
    expect(lag.samples).toEqual([]);
    expect(lag.missing).toBe(0);
  });

  it('counts as missing a command whose event does not show in time, and at the end', () => {
    const lag = new LagTracker(1_000);
    lag.acknowledged(lag.expect('ServiceUpdated', 'service-a'), 0);
    lag.acknowledged(lag.expect('ServiceUpdated', 'service-b'), 5_000);
    expect(lag.currentMs(2_000)).toBe(0);
    expect(lag.missing).toBe(1);
    lag.finish();
    expect(lag.missing).toBe(2);
    expect(lag.samples).toEqual([]);
  });
});
