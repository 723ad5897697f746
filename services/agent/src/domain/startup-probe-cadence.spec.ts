import { STARTUP_PROBE_BASE_MS, startupProbeDelayMs } from './startup-probe-cadence';

const cadence = (intervalMs: number): number[] => {
  const delays: number[] = [];
  for (let attempt = 0; ; attempt++) {
    const delay = startupProbeDelayMs(attempt, intervalMs);
    if (delay === undefined) return delays;
    delays.push(delay);
  }
};

describe('startupProbeDelayMs', () => {
  it('probes a starting instance every 100 ms at first, doubling the spacing every three probes', () => {
    expect(cadence(1_000)).toEqual([100, 100, 100, 200, 200, 200, 400, 400, 400, 800, 800, 800]);
  });

  it('stops once the spacing would reach the instance’s own probe interval', () => {
    expect(cadence(2_000).at(-1)).toBe(1_600);
    expect(cadence(400)).toEqual([100, 100, 100, 200, 200, 200]);
  });

  it('has no startup probes for an instance probed as often anyway', () => {
    expect(cadence(STARTUP_PROBE_BASE_MS)).toEqual([]);
  });
});
