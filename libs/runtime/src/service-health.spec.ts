import { ServiceHealth } from './service-health';

describe('a service health', () => {
  it('is ready when every probe answers no problem', async () => {
    const health = new ServiceHealth('placement')
      .add('postgres', async () => undefined)
      .add('log-subscription', () => undefined);
    expect(await health.report()).toEqual({
      service: 'placement',
      ready: true,
      checks: [
        { dependency: 'postgres', up: true },
        { dependency: 'log-subscription', up: true },
      ],
    });
  });

  it('names each dependency that fails, throws or does not answer in time, with why', async () => {
    const health = new ServiceHealth('inventory', 20)
      .add('postgres', async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      })
      .add('read-model', () => 'projection stopped')
      .add('leader-lease', () => new Promise<undefined>(() => undefined))
      .add('nats', () => undefined);
    const report = await health.report();
    expect(report.ready).toBe(false);
    expect(report.checks).toEqual([
      { dependency: 'postgres', up: false, reason: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { dependency: 'read-model', up: false, reason: 'projection stopped' },
      { dependency: 'leader-lease', up: false, reason: 'no answer within 20 ms' },
      { dependency: 'nats', up: true },
    ]);
  });
});
