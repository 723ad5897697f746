import { instanceSpecOf } from '../domain/instance-spec';
import type { ReportDraft } from '../domain/report-draft';
import { FakeStateStore } from '../testing/fake-state-store';
import { specPayload } from '../testing/host-agent-fixture';
import { InstanceTable } from './instance-table';

function table() {
  const store = new FakeStateStore();
  const reports: ReportDraft[] = [];
  const instances = new InstanceTable(store, (draft) => reports.push(draft));
  const entry = InstanceTable.entryOf({
    spec: instanceSpecOf(specPayload('web-1'), '/srv/instances'),
    layer: 'process',
    state: 'stopped',
    handle: {},
  });
  return { store, reports, instances, entry };
}

describe('InstanceTable', () => {
  it('takes in a new instance at its first state change, reporting and persisting it', async () => {
    const { store, reports, instances, entry } = table();
    await instances.setState(entry, 'stopped');
    expect(instances.get('web-1')).toBe(entry);
    expect(reports).toEqual([
      { kind: 'instance', instance: 'web-1', service: 'shop', app: 'web', state: 'stopped' },
    ]);
    expect(store.saved()).toEqual([
      {
        spec: expect.objectContaining({ dataDir: '/srv/instances/web-1/data' }),
        layer: 'process',
        state: 'stopped',
        handle: {},
      },
    ]);
  });

  it('reports and saves nothing when an instance is set to the state it is in', async () => {
    const { store, reports, instances, entry } = table();
    await instances.setState(entry, 'running');
    const saves = store.instanceSaves;
    const version = instances.version;
    await instances.setState(entry, 'running');
    expect(reports).toHaveLength(1);
    expect(store.instanceSaves).toBe(saves);
    expect(instances.version).toBe(version);
  });

  it('persists only what a restart needs, not what the watch learned', async () => {
    const { store, instances, entry } = table();
    entry.load = 0.5;
    entry.busy = true;
    await instances.setState(entry, 'running');
    expect(Object.keys(store.saved()[0]).sort()).toEqual(['handle', 'layer', 'spec', 'state']);
  });

  it('loads back what it saved, as a fresh agent would', async () => {
    const { store, instances, entry } = table();
    await instances.setState(entry, 'healthy');
    const reloaded = new InstanceTable(store, () => undefined);
    const [back] = await reloaded.load();
    expect(back).toMatchObject({ state: 'healthy', busy: false, load: undefined, nextProbeAt: 0 });
    expect(back.health).toEqual({ healthy: undefined, consecutiveFailures: 0 });
  });

  it('names where a live instance listens in its reports and heartbeats, not while it starts or once it stopped', async () => {
    const store = new FakeStateStore();
    const reports: ReportDraft[] = [];
    const instances = new InstanceTable(
      store,
      (draft) => reports.push(draft),
      () => ({ address: '192.0.2.4', port: 4100 }),
    );
    const entry = InstanceTable.entryOf({
      spec: instanceSpecOf(specPayload('web-1'), '/srv/instances'),
      layer: 'process',
      state: 'stopped',
      handle: {},
    });
    await instances.setState(entry, 'starting');
    expect(instances.beats()[0].endpoint).toBeUndefined();
    await instances.setState(entry, 'running');
    await instances.setState(entry, 'healthy');
    await instances.setState(entry, 'stopped');
    expect(reports.map((r) => r.endpoint)).toEqual([
      undefined,
      { address: '192.0.2.4', port: 4100 },
      { address: '192.0.2.4', port: 4100 },
      undefined,
    ]);
    await instances.setState(entry, 'healthy');
    expect(instances.beats()).toEqual([
      { instance: 'web-1', state: 'healthy', endpoint: { address: '192.0.2.4', port: 4100 } },
    ]);
  });
});
