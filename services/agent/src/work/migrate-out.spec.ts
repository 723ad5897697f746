import { HostAgentFixture } from '../testing/host-agent-fixture';

const target = { host: 'host-b', uri: 'tcp:10.0.0.2:4444' };

describe('migrate-out', () => {
  it('forgets an instance once its layer moved it, reporting where it went and how long it took', async () => {
    const host = new HostAgentFixture({ migrates: true });
    await host.started('vm-1');
    await host.run({ type: 'migrate-out', instance: 'vm-1', target });
    expect(host.agent.stateOf('vm-1')).toBeUndefined();
    expect(host.store.saved()).toEqual([]);
    expect(host.reports.filter((r) => r.kind === 'instance').slice(-2)).toMatchObject([
      { state: 'migrating' },
      { state: 'stopped', detail: 'migrated to host-b' },
    ]);
    expect(host.outcomes('migrate-out')).toMatchObject([
      { status: 'succeeded', result: { totalMs: 1200, downtimeMs: 40 } },
    ]);
  });

  it('keeps the instance here in the state it had when the migration fails', async () => {
    const host = new HostAgentFixture({ migrates: true });
    await host.started('vm-1');
    host.layer.failNext('migrateOut', 'target not listening');
    await host.run({ type: 'migrate-out', instance: 'vm-1', target });
    expect(host.states('vm-1').slice(-2)).toEqual(['migrating', 'running']);
    expect(host.store.saved()).toMatchObject([{ state: 'running' }]);
    expect(host.outcomes('migrate-out')).toMatchObject([
      { status: 'failed', error: { message: 'target not listening' } },
    ]);
  });
});
