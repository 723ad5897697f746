import { LagTracker } from './lag-tracker';

describe('LagTracker', () => {
  it('takes a sample when the event a step expects arrives, and the oldest wait as the lag now', () => {
    const lag = new LagTracker();
    lag.expect({ type: 'ServiceDefined', streamId: 'service-a', sentAt: 100 });
    lag.expect({ type: 'MigrationStarted', streamId: undefined, sentAt: 200 });
    expect(lag.currentMs(250)).toBe(150);
    lag.observe('ServiceDefined', 'service-b', 260);
    lag.observe('ServiceDefined', 'service-a', 270);
    lag.observe('MigrationStarted', 'migration-x', 300);
    expect(lag.samples).toEqual([170, 100]);
    expect(lag.seen).toBe(3);
    expect(lag.currentMs(400)).toBe(0);
  });

  it('stops waiting for the event of a refused command', () => {
    const lag = new LagTracker();
    const expected = { type: 'HostDrainStarted', streamId: 'host-h1', sentAt: 0 };
    lag.expect(expected);
    lag.forget(expected);
    expect(lag.currentMs(1000)).toBe(0);
  });
});
