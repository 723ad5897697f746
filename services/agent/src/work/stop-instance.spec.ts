import { HostAgentFixture } from '../testing/host-agent-fixture';

describe('stop', () => {
  it('stops an instance with the grace the command gives, reporting stopping then stopped', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    await host.run({ type: 'stop', instance: 'web-1', graceMs: 2_500 });
    expect(host.layer.calls).toContain('stop web-1 2500');
    expect(host.states('web-1').slice(-2)).toEqual(['stopping', 'stopped']);
    expect(host.outcomes('stop')).toMatchObject([{ status: 'succeeded' }]);
    expect(host.store.saved()).toMatchObject([{ state: 'stopped' }]);
  });

  it('gives ten seconds of grace when the command names none', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    await host.run({ type: 'stop', instance: 'web-1' });
    expect(host.layer.calls).toContain('stop web-1 10000');
  });

  it('puts the instance back as it was when its layer cannot stop it, so the watch looks at it again', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    host.layer.failNext('stop', 'kill EPERM');
    await host.run({ type: 'stop', instance: 'web-1' });
    expect(host.states('web-1').slice(-2)).toEqual(['stopping', 'running']);
    expect(host.outcomes('stop')).toMatchObject([
      { status: 'failed', error: { message: 'kill EPERM' } },
    ]);
  });

  it('does nothing to an instance already stopped', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    await host.run({ type: 'stop', instance: 'web-1' });
    await host.run({ type: 'stop', instance: 'web-1' });
    expect(host.layer.count('stop', 'web-1')).toBe(1);
    expect(host.outcomes('stop')).toMatchObject([{ status: 'succeeded' }, { status: 'succeeded' }]);
  });

  it('still stops the workload and reports it stopped when the instance table cannot be saved', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    host.store.saveInstances = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    await host.run({ type: 'stop', instance: 'web-1' });
    expect(host.layer.count('stop', 'web-1')).toBe(1);
    expect(host.states('web-1').slice(-2)).toEqual(['stopping', 'stopped']);
    expect(host.outcomes('stop')).toMatchObject([{ status: 'succeeded' }]);
    expect(host.warnings).toEqual([expect.stringContaining('ENOSPC')]);
  });
});
