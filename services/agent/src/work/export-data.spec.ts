import { createHash } from 'node:crypto';
import { HostAgentFixture } from '../testing/host-agent-fixture';

describe('export-data', () => {
  it('stores the instance’s data under the key, reporting progress and what was stored', async () => {
    const host = new HostAgentFixture();
    await host.started('db-1');
    host.layer.data.set('db-1', Buffer.from('rows of db-1'));
    await host.run({ type: 'export-data', instance: 'db-1', key: 'moves/db-1' });
    expect(host.data.objects.get('moves/db-1')?.toString()).toBe('rows of db-1');
    expect(host.outcomes('export-data')).toEqual([
      {
        kind: 'command',
        instance: 'db-1',
        command: 'export-data',
        status: 'progress',
        detail: '12 bytes stored',
      },
      expect.objectContaining({
        status: 'succeeded',
        result: {
          key: 'moves/db-1',
          size: 12,
          sha256: createHash('sha256').update('rows of db-1').digest('hex'),
          parts: 1,
        },
      }),
    ]);
  });

  it('reports the layer’s reason when it cannot export, and stores nothing', async () => {
    const host = new HostAgentFixture();
    await host.started('db-1');
    host.layer.failNext('exportData', 'tar exited with 2');
    await host.run({ type: 'export-data', instance: 'db-1', key: 'moves/db-1' });
    expect(host.data.objects.size).toBe(0);
    expect(host.outcomes('export-data')).toMatchObject([
      { status: 'failed', error: { code: 'layer_error', message: 'tar exited with 2' } },
    ]);
  });
});
