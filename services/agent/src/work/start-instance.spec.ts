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
});
