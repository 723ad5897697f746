import { HostAgentFixture, specPayload } from '../testing/host-agent-fixture';

describe('InstanceWorkQueue', () => {
  it('runs a command on an instance only once the one before it on that instance is done', async () => {
    const host = new HostAgentFixture();
    const release = host.layer.holdStarts();
    await host.send({ type: 'start', spec: specPayload('web-1') });
    await host.send({ type: 'stop', instance: 'web-1' });
    await host.send({ type: 'start', spec: specPayload('web-2') });
    expect(host.layer.count('stop')).toBe(0);
    release();
    await host.agent.settled();
    expect(host.layer.calls.filter((call) => !call.startsWith('status'))).toEqual([
      'start web-1',
      'start web-2',
      'stop web-1 10000',
    ]);
    expect(host.states('web-1')).toEqual(['starting', 'running', 'stopping', 'stopped']);
  });

  it('keeps the watch off an instance while a command works on it', async () => {
    const host = new HostAgentFixture();
    const release = host.layer.holdStarts();
    await host.send({ type: 'start', spec: specPayload('web-1') });
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.agent.stateOf('web-1')).toBe('starting');
    await host.agent.supervise();
    expect(host.states('web-1')).toEqual(['starting']);
    expect(host.layer.count('probe')).toBe(0);
    release();
    await host.agent.settled();
    await host.agent.supervise();
    expect(host.layer.count('probe', 'web-1')).toBe(1);
  });

  it('goes on with the next command on an instance after one failed', async () => {
    const host = new HostAgentFixture();
    host.layer.failNext('start', 'spawn node ENOENT');
    await host.send({ type: 'start', spec: specPayload('web-1') });
    await host.send({ type: 'start', spec: specPayload('web-1') });
    await host.agent.settled();
    expect(host.outcomes('start').map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect(host.agent.stateOf('web-1')).toBe('running');
  });
});
