import { ReregisterPacing } from './reregister-pacing';

describe('re-registration pacing', () => {
  it('registers at once when the host was down, however recently it registered', () => {
    const pacing = new ReregisterPacing();
    pacing.registered(0);
    expect(pacing.delayFor('host-down', 100)).toBe(0);
  });

  it('registers at once when the epoch turns stale long after its registration', () => {
    const pacing = new ReregisterPacing(60_000);
    pacing.registered(0);
    expect(pacing.delayFor('stale-epoch', 120_000)).toBe(0);
  });

  it('waits longer and longer while its epoch keeps being taken right after it registered', () => {
    const pacing = new ReregisterPacing(60_000);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 9; i++) {
      pacing.registered(now);
      now += 500;
      const wait = pacing.delayFor('stale-epoch', now);
      waits.push(wait);
      now += wait;
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    pacing.registered(now);
    expect(pacing.delayFor('stale-epoch', now + 61_000)).toBe(0);
  });
});
