import { STARTUP_FAILURE_FACTOR, nextHealth, type HealthState } from './health-tracker';

const fold = (start: HealthState, results: boolean[], threshold: number) =>
  results.reduce((state, ok) => nextHealth(state, ok, threshold), start);

describe('nextHealth', () => {
  const fresh: HealthState = { healthy: undefined, consecutiveFailures: 0 };

  it('becomes healthy at the first successful probe', () => {
    expect(fold(fresh, [false, true], 3)).toEqual({ healthy: true, consecutiveFailures: 0 });
  });

  it('turns unhealthy only after the threshold of failures in a row', () => {
    const healthy = fold(fresh, [true], 3);
    expect(fold(healthy, [false, false], 3).healthy).toBe(true);
    expect(fold(healthy, [false, false, false], 3).healthy).toBe(false);
    expect(fold(healthy, [false, false, true, false, false], 3).healthy).toBe(true);
  });

  it('gives an application that was never healthy a longer start-up allowance', () => {
    const failures = (n: number) => Array.from({ length: n }, () => false);
    expect(fold(fresh, failures(3 * STARTUP_FAILURE_FACTOR - 1), 3).healthy).toBeUndefined();
    expect(fold(fresh, failures(3 * STARTUP_FAILURE_FACTOR), 3).healthy).toBe(false);
  });
});
