import { HostAgentFixture } from '../testing/host-agent-fixture';

describe('resume', () => {
  it('resumes a paused instance where it stands, without starting it again', async () => {
    const host = new HostAgentFixture();
    await host.started('vm-1');
    host.layer.pause('vm-1');
    await host.run({ type: 'resume', instance: 'vm-1' });
    expect(host.layer.count('resume', 'vm-1')).toBe(1);
    expect(host.layer.count('start', 'vm-1')).toBe(1);
    expect(host.layer.states.get('vm-1')).toBe('running');
    expect(host.outcomes('resume')).toMatchObject([
      { status: 'succeeded', result: { resumed: true } },
    ]);
  });

  it('answers that a running instance already runs', async () => {
    const host = new HostAgentFixture();
    await host.started('vm-1');
    await host.run({ type: 'resume', instance: 'vm-1' });
    expect(host.layer.count('resume')).toBe(0);
    expect(host.outcomes('resume')).toMatchObject([
      { status: 'succeeded', result: { alreadyRunning: true } },
    ]);
  });

  it('fails naming the state of a stopped instance, and starts nothing', async () => {
    const host = new HostAgentFixture();
    await host.started('vm-1');
    await host.run({ type: 'stop', instance: 'vm-1' });
    await host.run({ type: 'resume', instance: 'vm-1' });
    expect(host.layer.count('start', 'vm-1')).toBe(1);
    expect(host.layer.states.get('vm-1')).toBe('stopped');
    expect(host.outcomes('resume')).toMatchObject([
      { status: 'failed', error: { message: expect.stringContaining('is stopped here') } },
    ]);
  });

  it('is refused as not found for an instance this host does not hold (one that migrated away)', async () => {
    const host = new HostAgentFixture({ migrates: true });
    await host.started('vm-1');
    await host.run({
      type: 'migrate-out',
      instance: 'vm-1',
      target: { host: 'host-b', uri: 'tcp:10.0.0.2:4444' },
    });
    const reply = await host.run({ type: 'resume', instance: 'vm-1' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(host.layer.count('start', 'vm-1')).toBe(1);
  });

  it('is refused while the agent registers for a new epoch, like a start', async () => {
    const host = new HostAgentFixture();
    await host.started('vm-1');
    host.layer.pause('vm-1');
    host.agent.beginRegistration();
    const reply = await host.run({ type: 'resume', instance: 'vm-1' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(host.layer.states.get('vm-1')).toBe('paused');
  });
});
