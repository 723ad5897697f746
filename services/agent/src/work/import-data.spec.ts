import { HostAgentFixture, specPayload } from '../testing/host-agent-fixture';

describe('import-data', () => {
  it('fills a new instance with the data stored under the key, leaving it stopped and known', async () => {
    const host = new HostAgentFixture();
    host.data.objects.set('moves/db-1', Buffer.from('rows of db-1'));
    const before = host.agent.beatsVersion;
    await host.run({ type: 'import-data', spec: specPayload('db-1'), key: 'moves/db-1' });
    expect(host.layer.data.get('db-1')?.toString()).toBe('rows of db-1');
    expect(host.agent.stateOf('db-1')).toBe('stopped');
    expect(host.store.saved()).toMatchObject([{ spec: { instance: 'db-1' }, state: 'stopped' }]);
    expect(host.agent.beatsVersion).toBeGreaterThan(before);
    expect(host.outcomes('import-data')).toMatchObject([
      { status: 'progress', detail: '12 bytes received' },
      { status: 'succeeded', result: { key: 'moves/db-1' } },
    ]);
  });

  it('reports why when nothing is stored under the key, and gives the layer nothing', async () => {
    const host = new HostAgentFixture();
    await host.run({ type: 'import-data', spec: specPayload('db-1'), key: 'moves/none' });
    expect(host.layer.count('importData')).toBe(0);
    expect(host.outcomes('import-data')).toMatchObject([
      { status: 'failed', error: { message: 'nothing stored under moves/none' } },
    ]);
  });
});
