import { loadInventoryConfig } from './inventory-config';

describe('inventory configuration', () => {
  it('declares a silent host down after two and a half heartbeats, checked every 100 ms, by default', () => {
    const { liveness } = loadInventoryConfig({});
    expect(liveness).toMatchObject({
      heartbeatMs: 1000,
      suspectAfterMissed: 2,
      downAfterMs: 2500,
      leaseTtlMs: 2000,
      tickMs: 100,
    });
  });

  it('scales the thresholds with the heartbeat interval unless they are given', () => {
    const { liveness } = loadInventoryConfig({ FEDERA_HEARTBEAT_MS: '2000' });
    expect(liveness).toMatchObject({ downAfterMs: 5000, leaseTtlMs: 4000 });
    const given = loadInventoryConfig({
      FEDERA_DOWN_AFTER_MS: '4000',
      FEDERA_LEASE_TTL_MS: '1500',
    });
    expect(given.liveness).toMatchObject({ downAfterMs: 4000, leaseTtlMs: 1500 });
  });

  it('refuses a down threshold that does not leave room for a suspicion first, naming the variable', () => {
    expect(() => loadInventoryConfig({ FEDERA_DOWN_AFTER_MS: '2000' })).toThrow(
      /FEDERA_DOWN_AFTER_MS/,
    );
  });
});
