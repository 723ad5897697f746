import { readiness, readinessInformationalDefault, serviceHealthProblem } from './readiness';

describe('readiness', () => {
  it('is ready only when every dependency is up, and names the ones that are down', () => {
    expect(readiness([{ dependency: 'postgres', up: true }]).ready).toBe(true);
    const result = readiness([
      { dependency: 'postgres', up: true },
      { dependency: 'nats', up: false, reason: 'closed' },
    ]);
    expect(result.ready).toBe(false);
    expect(result.down.map((d) => d.dependency)).toEqual(['nats']);
  });
  it('stays ready when only an informational dependency is down, and reports it as degraded', () => {
    const result = readiness([
      { dependency: 'postgres', up: true },
      { dependency: 'statistics', up: false, reason: 'stuck', informational: true },
    ]);
    expect(result.ready).toBe(true);
    expect(result.down).toEqual([]);
    expect(result.degraded.map((d) => d.dependency)).toEqual(['statistics']);
  });

  it('leaves statistics out of what makes the gateway unready by default', () => {
    expect(readinessInformationalDefault).toContain('statistics');
    expect(readinessInformationalDefault).not.toContain('inventory');
  });
});

describe("a backend service's health answer", () => {
  it('is no problem when the service reports ready', () => {
    expect(
      serviceHealthProblem({
        ok: true,
        result: {
          service: 'placement',
          ready: true,
          checks: [{ dependency: 'postgres', up: true }],
        },
      }),
    ).toBeUndefined();
  });

  it('names every check that is down, with its reason', () => {
    expect(
      serviceHealthProblem({
        ok: true,
        result: {
          service: 'supervision',
          ready: false,
          checks: [
            { dependency: 'postgres', up: false, reason: 'connect ECONNREFUSED 127.0.0.1:5432' },
            { dependency: 'log-subscription', up: false, reason: 'replaying' },
            { dependency: 'read-model', up: true },
          ],
        },
      }),
    ).toBe(
      'not ready: postgres (connect ECONNREFUSED 127.0.0.1:5432), log-subscription (replaying)',
    );
  });

  it('is a problem when the answer is a refusal or not an answer at all', () => {
    expect(serviceHealthProblem({ ok: false, error: { code: 'internal', message: 'boom' } })).toBe(
      'its health ping failed: boom',
    );
    expect(serviceHealthProblem('nonsense')).toBe('its health answer is not an object');
  });
});
