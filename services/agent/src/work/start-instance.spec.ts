import { HostAgentFixture, specPayload } from '../testing/host-agent-fixture';

describe('start', () => {
  it('starts an instance, reporting it starting then running, and keeps it on disk', async () => {
    const host = new HostAgentFixture();
    const reply = await host.run({ type: 'start', spec: specPayload('web-1') });
    expect(reply).toMatchObject({ ok: true, result: { type: 'start', instance: 'web-1' } });
    expect(host.states('web-1')).toEqual(['starting', 'running']);
    expect(host.outcomes('start')).toMatchObject([{ status: 'succeeded', result: {} }]);
    expect(host.store.saved()).toMatchObject([
      {
        spec: { instance: 'web-1', dataDir: expect.stringMatching(/web-1\/data$/) },
        layer: 'process',
        state: 'running',
        handle: { pid: 4242 },
      },
    ]);
  });

  it('keeps the handle on disk when the layer answers that the instance is still starting', async () => {
    const host = new HostAgentFixture();
    host.layer.startsAs = 'starting';
    await host.run({ type: 'start', spec: specPayload('vm-1') });
    expect(host.store.saved()).toMatchObject([{ state: 'starting', handle: { pid: 4242 } }]);
  });

  it('leaves the instance failed with the reason when its layer cannot start it', async () => {
    const host = new HostAgentFixture();
    host.layer.failNext('start', 'spawn node ENOENT');
    await host.run({ type: 'start', spec: specPayload('web-1') });
    expect(host.states('web-1')).toEqual(['starting', 'failed']);
    expect(host.reports.find((r) => r.state === 'failed')).toMatchObject({
      detail: 'spawn node ENOENT',
    });
    expect(host.outcomes('start')).toMatchObject([
      { status: 'failed', error: { code: 'layer_error', message: 'spawn node ENOENT' } },
    ]);
  });

  it('answers that an instance already runs instead of starting it twice', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    await host.run({ type: 'start', spec: specPayload('web-1') });
    expect(host.layer.count('start', 'web-1')).toBe(1);
    expect(host.outcomes('start').at(-1)).toMatchObject({ result: { alreadyRunning: true } });
  });

  it('counts an instance as starting while its copy is restored, so no heartbeat calls it stopped', async () => {
    const host = new HostAgentFixture();
    host.data.objects.set('backups/db-0/000000000000001', Buffer.from('saved'));
    const whileRestoring: string[] = [];
    const importData = host.layer.importData.bind(host.layer);
    host.layer.importData = async (spec, data) => {
      whileRestoring.push(...host.agent.instanceBeats().map((beat) => beat.state));
      whileRestoring.push(...host.agent.registeredInstances().map((held) => held.state));
      return importData(spec, data);
    };
    await host.started('db-1', { restoreFrom: 'backups/db-0/000000000000001' });
    expect(whileRestoring).toEqual(['starting', 'starting']);
    expect(host.states('db-1')).toEqual(['starting', 'running']);
  });

  it('leaves an instance failed, never stopped, when its copy cannot be restored', async () => {
    const host = new HostAgentFixture();
    await host.started('db-1', { restoreFrom: 'backups/db-0/000000000000009' });
    expect(host.states('db-1')).toEqual(['starting', 'failed']);
    expect(host.reports.find((r) => r.state === 'failed')).toMatchObject({
      detail:
        'restoring backups/db-0/000000000000009: nothing stored under backups/db-0/000000000000009',
    });
  });

  it('stops the workload it started when the table cannot be saved with it running, and reports the instance failed', async () => {
    const host = new HostAgentFixture();
    const saveInstances = host.store.saveInstances.bind(host.store);
    let saves = 0;
    host.store.saveInstances = (rows) =>
      ++saves === 1 ? saveInstances(rows) : Promise.reject(new Error('EIO: i/o error'));
    await host.run({ type: 'start', spec: specPayload('web-1') });
    expect(host.layer.count('start', 'web-1')).toBe(1);
    expect(host.layer.count('stop', 'web-1')).toBe(1);
    expect(host.states('web-1')).toEqual(['starting', 'failed']);
    expect(host.reports.find((r) => r.state === 'failed')?.detail).toContain('EIO');
    expect(host.outcomes('start')).toMatchObject([{ status: 'failed' }]);
  });
});
