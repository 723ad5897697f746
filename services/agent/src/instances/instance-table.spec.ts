import { instanceSpecOf } from '../domain/instance-spec';
import type { ReportDraft } from '../domain/report-draft';
import type { PersistedInstance } from '../infrastructure/store/agent-state-store';
import { FakeClock } from '../testing/fake-clock';
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

  it('reports a state only once the table on disk holds it, the pid included', async () => {
    const store = new FakeStateStore();
    const onDiskAtReport: PersistedInstance[][] = [];
    const instances = new InstanceTable(store, () => onDiskAtReport.push(store.saved()));
    const entry = InstanceTable.entryOf({
      spec: instanceSpecOf(specPayload('web-1'), '/srv/instances'),
      layer: 'process',
      state: 'stopped',
      handle: {},
    });
    await instances.setState(entry, 'starting');
    entry.handle = { pid: 4242, startTime: 99, port: 4100 };
    await instances.setState(entry, 'running');
    await instances.remove(entry, 'destroyed');
    expect(onDiskAtReport.map((rows) => rows.map((row) => [row.state, row.handle]))).toEqual([
      [['starting', {}]],
      [['running', { pid: 4242, startTime: 99, port: 4100 }]],
      [],
    ]);
  });

  it('says nothing of a change while it is being saved, in reports, heartbeats or registrations', async () => {
    const store = new FakeStateStore();
    const reports: ReportDraft[] = [];
    const instances = new InstanceTable(store, (draft) => reports.push(draft));
    const entry = InstanceTable.entryOf({
      spec: instanceSpecOf(specPayload('web-1'), '/srv/instances'),
      layer: 'process',
      state: 'stopped',
      handle: {},
    });
    await instances.setState(entry, 'starting');
    let release!: () => void;
    const saveInstances = store.saveInstances.bind(store);
    store.saveInstances = async (rows) => {
      await new Promise<void>((resolve) => (release = resolve));
      return saveInstances(rows);
    };
    const running = instances.setState(entry, 'running');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports.map((r) => r.state)).toEqual(['starting']);
    expect(instances.beats().map((b) => b.state)).toEqual(['starting']);
    expect(instances.registered().map((r) => r.state)).toEqual(['starting']);
    release();
    await running;
    expect(reports.map((r) => r.state)).toEqual(['starting', 'running']);
    expect(instances.beats().map((b) => b.state)).toEqual(['running']);
  });

  it('keeps on disk a change still being saved when another instance’s change is saved beside it', async () => {
    const store = new FakeStateStore();
    const instances = new InstanceTable(store, () => undefined);
    const entryOf = (instance: string) =>
      InstanceTable.entryOf({
        spec: instanceSpecOf(specPayload(instance), '/srv/instances'),
        layer: 'process',
        state: 'stopped',
        handle: {},
      });
    const [web1, web2] = [entryOf('web-1'), entryOf('web-2')];
    await Promise.all([instances.setState(web1, 'running'), instances.setState(web2, 'running')]);
    expect(store.saved().map((row) => [row.spec.instance, row.state])).toEqual([
      ['web-1', 'running'],
      ['web-2', 'running'],
    ]);
  });

  it('changes and reports nothing of a claim that an instance runs when the table cannot be saved', async () => {
    const store = new FakeStateStore();
    const reports: ReportDraft[] = [];
    const instances = new InstanceTable(store, (draft) => reports.push(draft));
    const entry = InstanceTable.entryOf({
      spec: instanceSpecOf(specPayload('web-1'), '/srv/instances'),
      layer: 'process',
      state: 'stopped',
      handle: {},
    });
    store.saveInstances = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    await expect(instances.setState(entry, 'running')).rejects.toThrow('ENOSPC');
    expect(reports).toEqual([]);
    expect(entry.state).toBe('stopped');
    expect(instances.get('web-1')).toBeUndefined();
  });

  it('still takes in and reports a stop, a failure and a removal when the table cannot be saved, and saves them once it can', async () => {
    const store = new FakeStateStore();
    const reports: ReportDraft[] = [];
    const warnings: string[] = [];
    const clock = new FakeClock();
    const instances = new InstanceTable(store, (draft) => reports.push(draft), {
      warn: (message) => warnings.push(message),
      schedule: clock.schedule,
    });
    const [web1, web2, web3] = ['web-1', 'web-2', 'web-3'].map(entryNamed);
    for (const entry of [web1, web2, web3]) await instances.setState(entry, 'running');
    const saveInstances = store.saveInstances.bind(store);
    store.saveInstances = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    await instances.setState(web1, 'stopping');
    await instances.setState(web2, 'failed', 'exited with code 1');
    await instances.remove(web3, 'destroyed');
    expect(reports.slice(-3).map((r) => [r.instance, r.state])).toEqual([
      ['web-1', 'stopping'],
      ['web-2', 'failed'],
      ['web-3', 'stopped'],
    ]);
    expect(instances.beats().map((b) => [b.instance, b.state])).toEqual([
      ['web-1', 'stopping'],
      ['web-2', 'failed'],
    ]);
    expect(instances.unsaved).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ENOSPC');
    clock.advance(60_000);
    await flush();
    expect(store.saved().map((row) => row.state)).toEqual(['running', 'running', 'running']);
    store.saveInstances = saveInstances;
    clock.advance(60_000);
    await flush();
    expect(store.saved().map((row) => [row.spec.instance, row.state])).toEqual([
      ['web-1', 'stopping'],
      ['web-2', 'failed'],
    ]);
    expect(instances.unsaved).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never lets a claim whose save failed reach disk through another instance’s save queued behind it', async () => {
    const store = new FakeStateStore();
    const reports: ReportDraft[] = [];
    const instances = new InstanceTable(store, (draft) => reports.push(draft), {
      schedule: new FakeClock().schedule,
    });
    const [web1, web2] = ['web-1', 'web-2'].map(entryNamed);
    const saveInstances = store.saveInstances.bind(store);
    let failFirst!: () => void;
    let calls = 0;
    store.saveInstances = (rows) => {
      if (++calls > 1) return saveInstances(rows);
      return new Promise<void>((_, reject) => {
        failFirst = () => reject(new Error('EIO: i/o error'));
      });
    };
    web1.handle = { pid: 4242 };
    const first = instances.setState(web1, 'running');
    await flush();
    web2.handle = { pid: 4343 };
    const second = instances.setState(web2, 'running');
    await flush();
    failFirst();
    await expect(first).rejects.toThrow('EIO');
    await second;
    expect(store.saved().map((row) => [row.spec.instance, row.state])).toEqual([
      ['web-2', 'running'],
    ]);
    expect(instances.get('web-1')).toBeUndefined();
    expect(reports.map((r) => `${r.instance}:${r.state}`)).toEqual(['web-2:running']);
  });

  it('takes a state asked for while another change of the same instance is being saved as a change', async () => {
    const store = new FakeStateStore();
    const instances = new InstanceTable(store, () => undefined);
    const entry = entryNamed('web-1');
    await instances.setState(entry, 'running');
    const unhealthy = instances.setState(entry, 'unhealthy');
    const running = instances.setState(entry, 'running');
    await Promise.all([unhealthy, running]);
    expect(entry.state).toBe('running');
    expect(store.saved().map((row) => row.state)).toEqual(['running']);
  });
});

function entryNamed(instance: string) {
  return InstanceTable.entryOf({
    spec: instanceSpecOf(specPayload(instance), '/srv/instances'),
    layer: 'process',
    state: 'stopped',
    handle: {},
  });
}

/** Lets promises already settled run their continuations. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}
