import { readiness, serviceHealthProblem } from './readiness';

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
