import { HostAgentFixture } from '../testing/host-agent-fixture';

describe('probe', () => {
  it('answers at once with the probe and the state the agent knows, and queues no work', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    const reply = await host.send({ type: 'probe', instance: 'web-1' });
    expect(reply).toMatchObject({
      ok: true,
      result: { probe: { healthy: true, load: 0.25, state: 'running' } },
    });
    await host.agent.settled();
    expect(host.outcomes('probe')).toEqual([]);
  });

  it('answers a probe that throws as unhealthy, saying why', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    host.layer.failNext('probe', 'connect ECONNREFUSED');
    const reply = await host.send({ type: 'probe', instance: 'web-1' });
    expect(reply).toMatchObject({
      ok: true,
      result: { probe: { healthy: false, detail: 'connect ECONNREFUSED', state: 'running' } },
    });
  });
});
