import { HostAgentFixture, specPayload } from '../testing/host-agent-fixture';

describe('migrate-in', () => {
  it('answers where to send the instance, which stays migrating until its layer runs it', async () => {
    const host = new HostAgentFixture({ migrates: true });
    await host.run({ type: 'migrate-in', spec: specPayload('vm-1') });
    expect(host.outcomes('migrate-in')).toMatchObject([
      { status: 'succeeded', result: { uri: 'tcp:127.0.0.1:4444/vm-1' } },
    ]);
    expect(host.states('vm-1')).toEqual(['migrating']);
    await host.agent.supervise();
    expect(host.states('vm-1')).toEqual(['migrating']);
    host.layer.states.set('vm-1', 'running');
    await host.agent.supervise();
    expect(host.states('vm-1')).toEqual(['migrating', 'running', 'healthy']);
  });

  it('reports the layer’s reason when it cannot get ready to receive', async () => {
    const host = new HostAgentFixture({ migrates: true });
    host.layer.failNext('migrateIn', 'no free port for the incoming migration');
    await host.run({ type: 'migrate-in', spec: specPayload('vm-1') });
    expect(host.outcomes('migrate-in')).toMatchObject([
      { status: 'failed', error: { message: 'no free port for the incoming migration' } },
    ]);
  });
});
