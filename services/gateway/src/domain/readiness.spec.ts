import { probeWithin, readiness } from './readiness';

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

  it('reports a probe that throws as down with its reason', async () => {
    const status = await probeWithin('nats', 1000, async () => {
      throw new Error('connection closed');
    });
    expect(status).toEqual({ dependency: 'nats', up: false, reason: 'connection closed' });
  });

  it('reports a probe that never answers as down once its time is up', async () => {
    const status = await probeWithin('postgres', 20, () => new Promise(() => undefined));
    expect(status.up).toBe(false);
    expect(status.reason).toContain('no answer within 20 ms');
  });

  it('reports a probe that answers as up', async () => {
    expect(await probeWithin('postgres', 1000, async () => 1)).toEqual({
      dependency: 'postgres',
      up: true,
    });
  });
});
