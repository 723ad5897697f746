import { backupIndexKey, type BackupIndex } from '@federa/contracts';
import { HostAgentFixture, specPayload } from './testing/host-agent-fixture';

describe('HostAgent admitting commands', () => {
  it('refuses a command of a stale epoch naming the epoch, and starts nothing', async () => {
    const host = new HostAgentFixture({ epoch: 7 });
    const reply = await host.run({ type: 'start', epoch: 6, spec: specPayload('web-1') });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'stale_epoch', details: [{ path: 'epoch' }] },
    });
    expect(host.layer.calls).toEqual([]);
    expect(host.reports).toEqual([]);
  });

  it('refuses commands until the host is registered, then accepts the same command id', async () => {
    const host = new HostAgentFixture({ epoch: null });
    const command = { commandId: 'early-1', epoch: 3, type: 'start' as const };
    const early = await host.run({ ...command, spec: specPayload('web-1') });
    expect(early).toMatchObject({ ok: false, error: { code: 'not_registered' } });
    host.agent.setEpoch(3);
    const later = await host.run({ ...command, spec: specPayload('web-1') });
    expect(later).toMatchObject({ ok: true, result: { accepted: true, instance: 'web-1' } });
    expect(host.layer.count('start', 'web-1')).toBe(1);
  });

  it('answers a command id sent twice with the first answer and acts once', async () => {
    const host = new HostAgentFixture();
    const command = { commandId: 'start-1', type: 'start' as const, spec: specPayload('web-1') };
    const first = await host.run(command);
    const again = await host.run(command);
    expect(again).toEqual(first);
    expect(host.layer.count('start', 'web-1')).toBe(1);
    expect(host.outcomes('start')).toHaveLength(1);
  });

  it('answers a repeat that arrives while the first is still being answered with that answer', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    const probe = { commandId: 'probe-1', type: 'probe' as const, instance: 'web-1' };
    const [first, repeat] = await Promise.all([host.send(probe), host.send(probe)]);
    expect(repeat).toEqual(first);
    expect(first).toMatchObject({ ok: true, result: { probe: { healthy: true } } });
    expect(host.layer.count('probe', 'web-1')).toBe(1);
  });

  it('remembers a refusal under its command id even once the refusal no longer holds', async () => {
    const host = new HostAgentFixture();
    const stop = { commandId: 'stop-1', type: 'stop' as const, instance: 'web-1' };
    const refused = await host.run(stop);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: [{ path: 'instance' }] },
    });
    await host.started('web-1');
    expect(await host.run(stop)).toEqual(refused);
    expect(host.layer.count('stop')).toBe(0);
  });

  it('queues a stop that arrives before an accepted start reached its instance behind that start', async () => {
    const host = new HostAgentFixture();
    const release = host.layer.holdStatus();
    const start = await host.send({ type: 'start', spec: specPayload('web-1') });
    expect(start).toMatchObject({ ok: true });
    const stop = await host.send({ type: 'stop', instance: 'web-1' });
    release();
    await host.agent.settled();
    expect(stop).toMatchObject({ ok: true, result: { accepted: true, instance: 'web-1' } });
    expect(host.layer.calls.filter((c) => /^(start|stop) /.test(c))).toEqual([
      'start web-1',
      expect.stringMatching(/^stop web-1/),
    ]);
    expect(host.agent.stateOf('web-1')).toBe('stopped');
  });

  it('refuses a malformed command naming every wrong field', async () => {
    const host = new HostAgentFixture();
    const reply = await host.agent.handleCommand({ commandId: 'bad 1', epoch: 0, type: 'stop' });
    expect(reply.ok).toBe(false);
    const paths = (reply as { error: { details: Array<{ path: string }> } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['commandId', 'epoch', 'instance']));
  });

  it('answers an unknown command type as a validation failure, not a crash', async () => {
    const host = new HostAgentFixture();
    const reply = await host.agent.handleCommand({ commandId: 'x-1', epoch: 7, type: 'reboot' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});

describe('HostAgent registering again', () => {
  it('refuses starts from the moment inventory asks for a new registration until it has the new epoch', async () => {
    const host = new HostAgentFixture({ epoch: 3 });
    host.agent.beginRegistration();
    const command = { commandId: 'start-9', epoch: 3, type: 'start' as const };
    const during = await host.run({ ...command, spec: specPayload('web-1') });
    expect(during).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(host.layer.count('start')).toBe(0);
    host.agent.setEpoch(4);
    const after = await host.run({ ...command, epoch: 4, spec: specPayload('web-1') });
    expect(after).toMatchObject({ ok: true, result: { accepted: true } });
  });

  it('reports every live instance again under the new epoch', async () => {
    const host = new HostAgentFixture({ epoch: 3 });
    await host.started('web-1');
    await host.started('web-2');
    await host.run({ type: 'stop', instance: 'web-2' });
    host.reports.length = 0;
    host.agent.setEpoch(4);
    host.agent.announceAll('registered again with epoch 4');
    expect(host.reports).toEqual([
      expect.objectContaining({
        kind: 'instance',
        instance: 'web-1',
        detail: 'registered again with epoch 4',
      }),
    ]);
  });
});

describe('HostAgent across its own restart', () => {
  it('obeys a stop of an instance it adopted after its restart, under the new epoch', async () => {
    const host = new HostAgentFixture({ epoch: 3 });
    await host.started('web-1');
    await host.restart();
    host.agent.setEpoch(4);
    const reply = await host.run({ type: 'stop', epoch: 4, instance: 'web-1' });
    expect(reply).toMatchObject({ ok: true, result: { accepted: true, instance: 'web-1' } });
    expect(host.layer.count('stop', 'web-1')).toBe(1);
    expect(host.agent.stateOf('web-1')).toBe('stopped');
  });

  it('answers a command id sent again after a restart with the answer given before, without acting', async () => {
    const host = new HostAgentFixture();
    const command = { commandId: 'start-1', type: 'start' as const, spec: specPayload('web-1') };
    const first = await host.run(command);
    host.layer.survivors.add('web-1');
    await host.restart();
    host.agent.setEpoch(8);
    expect(await host.run({ ...command, epoch: 8 })).toEqual(first);
    expect(host.layer.count('start', 'web-1')).toBe(1);
  });

  it('adopts what runs instead of starting it twice when a start is sent again after a restart', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    host.layer.survivors.add('web-1');
    await host.restart();
    host.agent.setEpoch(8);
    const reply = await host.run({ type: 'start', epoch: 8, spec: specPayload('web-1') });
    expect(reply).toMatchObject({ ok: true, result: { accepted: true } });
    expect(host.layer.count('start', 'web-1')).toBe(1);
    expect(host.outcomes('start').at(-1)).toMatchObject({
      status: 'succeeded',
      result: { alreadyRunning: true },
    });
    expect(host.agent.stateOf('web-1')).toBe('running');
  });

  it('starts again an instance that vanished while the agent was down', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    host.layer.states.clear();
    await host.restart();
    expect(host.agent.stateOf('web-1')).toBe('failed');
    await host.run({ type: 'start', spec: specPayload('web-1') });
    expect(host.layer.count('start', 'web-1')).toBe(2);
    expect(host.agent.stateOf('web-1')).toBe('running');
  });
});

describe('HostAgent and placement generations', () => {
  it('refuses a start of an older generation than it took for the instance, across its restart and after the instance left', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1', { generation: 2 });
    await host.run({ type: 'destroy', instance: 'web-1' });
    await host.restart();
    host.agent.setEpoch(8);
    const stale = await host.run({
      type: 'start',
      epoch: 8,
      spec: specPayload('web-1', { generation: 1 }),
    });
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'stale_generation', details: [{ path: 'spec.generation' }] },
    });
    expect(host.layer.count('start', 'web-1')).toBe(1);
    const newer = await host.run({
      type: 'start',
      epoch: 8,
      spec: specPayload('web-1', { generation: 3 }),
    });
    expect(newer).toMatchObject({ ok: true, result: { accepted: true } });
    expect(host.layer.count('start', 'web-1')).toBe(2);
  });
});

describe('HostAgent describing its instances', () => {
  it('tells heartbeats and registration what runs, and grows its version when that changes', async () => {
    const host = new HostAgentFixture();
    const before = host.agent.beatsVersion;
    await host.started('web-1');
    expect(host.agent.beatsVersion).toBeGreaterThan(before);
    expect(host.agent.instanceBeats()).toEqual([{ instance: 'web-1', state: 'running' }]);
    expect(host.agent.registeredInstances()).toEqual([
      { instance: 'web-1', service: 'shop', app: 'web', layer: 'process', state: 'running' },
    ]);
    await host.agent.supervise();
    expect(host.agent.instanceBeats()).toEqual([
      {
        instance: 'web-1',
        state: 'healthy',
        load: 0.25,
        usage: { cpuMillis: 100, memoryBytes: 1024, storageBytes: 2048, networkBytes: 8 },
      },
    ]);
    expect(host.agent.instancesUsage()).toEqual({
      cpuMillis: 100,
      memoryBytes: 1024,
      storageBytes: 2048,
      networkBytes: 8,
      // A layer that does not split its traffic counts half each way.
      networkInBytes: 4,
      networkOutBytes: 4,
    });
  });
});

describe('HostAgent copying data', () => {
  it('copies a running instance’s data every backupEveryMs, keeps the newest three and reports each copy', async () => {
    const host = new HostAgentFixture();
    await host.started('db-1', { backupEveryMs: 10_000 });
    host.layer.data.set('db-1', Buffer.from('v1'));
    await host.agent.supervise();
    for (let n = 0; n < 5; n++) {
      host.clock.advance(10_000);
      host.layer.data.set('db-1', Buffer.from(`v${n + 2}`));
      await host.agent.supervise();
      await host.agent.settled();
    }
    const backups = host.outcomes('backup');
    expect(backups).toHaveLength(5);
    expect(backups.every((r) => r.status === 'succeeded')).toBe(true);
    const index = (await host.data.readDocument(backupIndexKey('db-1'))) as BackupIndex;
    expect(index.copies).toHaveLength(3);
    expect(index.copies[0]).toEqual(backups.at(-1)?.result);
    const kept = [...host.data.objects.keys()].filter((k) => k !== backupIndexKey('db-1'));
    expect(kept.sort()).toEqual(index.copies.map((c) => c.key).sort());
    expect(host.data.objects.get(index.copies[0].key)?.toString()).toBe('v6');
  });

  it('copies nothing of an instance whose spec asks for no copies', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    await host.agent.supervise();
    host.clock.advance(3_600_000);
    await host.agent.supervise();
    await host.agent.settled();
    expect(host.outcomes('backup')).toEqual([]);
  });

  it('fills a new instance from the copy its start names before starting it, and never again on a later start', async () => {
    const host = new HostAgentFixture();
    host.data.objects.set('backups/db-1/000000000000001', Buffer.from('saved'));
    await host.started('db-1', { restoreFrom: 'backups/db-1/000000000000001' });
    expect(host.layer.calls.filter((c) => / db-1$/.test(c)).slice(0, 3)).toEqual(
      expect.arrayContaining(['importData db-1', 'start db-1']),
    );
    expect(host.layer.data.get('db-1')?.toString()).toBe('saved');
    expect(host.agent.stateOf('db-1')).toBe('running');
    host.layer.data.set('db-1', Buffer.from('newer'));
    await host.run({ type: 'stop', instance: 'db-1' });
    await host.started('db-1', { restoreFrom: 'backups/db-1/000000000000001' });
    expect(host.layer.data.get('db-1')?.toString()).toBe('newer');
  });

  it('fails the start of an instance whose copy cannot be read, saying which', async () => {
    const host = new HostAgentFixture();
    await host.started('db-1', { restoreFrom: 'backups/db-1/000000000000009' });
    expect(host.agent.stateOf('db-1')).toBe('failed');
    expect(host.layer.count('start', 'db-1')).toBe(0);
    expect(host.outcomes('start').at(-1)).toMatchObject({ status: 'failed' });
  });
});
