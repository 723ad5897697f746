import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostAgentFixture } from '../testing/host-agent-fixture';

describe('destroy', () => {
  let instancesDir: string;
  beforeEach(() => {
    instancesDir = mkdtempSync(join(tmpdir(), 'federa-destroy-'));
  });
  afterEach(() => rmSync(instancesDir, { recursive: true, force: true }));

  it('removes the instance from its layer, its files and the table, and reports it destroyed', async () => {
    const host = new HostAgentFixture({ instancesDir });
    await host.started('web-1');
    mkdirSync(join(instancesDir, 'web-1', 'data'), { recursive: true });
    writeFileSync(join(instancesDir, 'web-1', 'data', 'db'), 'rows');
    await host.run({ type: 'destroy', instance: 'web-1' });
    expect(host.layer.count('destroy', 'web-1')).toBe(1);
    expect(existsSync(join(instancesDir, 'web-1'))).toBe(false);
    expect(host.agent.stateOf('web-1')).toBeUndefined();
    expect(host.store.saved()).toEqual([]);
    expect(host.reports.filter((r) => r.kind === 'instance').slice(-2)).toMatchObject([
      { state: 'stopping' },
      { state: 'stopped', detail: 'destroyed' },
    ]);
  });

  it('keeps the instance and its files when its layer cannot destroy it', async () => {
    const host = new HostAgentFixture({ instancesDir });
    await host.started('web-1');
    mkdirSync(join(instancesDir, 'web-1', 'data'), { recursive: true });
    host.layer.failNext('destroy', 'domain is locked');
    await host.run({ type: 'destroy', instance: 'web-1' });
    expect(existsSync(join(instancesDir, 'web-1', 'data'))).toBe(true);
    expect(host.agent.stateOf('web-1')).toBe('running');
    expect(host.outcomes('destroy')).toMatchObject([
      { status: 'failed', error: { message: 'domain is locked' } },
    ]);
  });
});
