import { probeWithin, ServiceHealth } from './service-health';

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

describe('one probe asked within a time', () => {
  it('reports a probe that answers no problem as up', async () => {
    expect(await probeWithin('postgres', 1000, async () => undefined)).toEqual({
      dependency: 'postgres',
      up: true,
    });
  });

  it('reports a probe that answers a problem or throws as down with its reason', async () => {
    expect(await probeWithin('placement', 1000, () => 'not ready: postgres')).toEqual({
      dependency: 'placement',
      up: false,
      reason: 'not ready: postgres',
    });
    const thrown = await probeWithin('nats', 1000, async () => {
      throw new Error('connection closed');
    });
    expect(thrown).toEqual({ dependency: 'nats', up: false, reason: 'connection closed' });
  });

  it('reports a probe that never answers as down once its time is up', async () => {
    const status = await probeWithin('postgres', 20, () => new Promise(() => undefined));
    expect(status.up).toBe(false);
    expect(status.reason).toContain('no answer within 20 ms');
  });
});
