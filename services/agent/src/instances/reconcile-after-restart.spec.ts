import { instanceSpecOf } from '../domain/instance-spec';
import type { ReportDraft } from '../domain/report-draft';
import type { FoundWorkload, LayerDriver, LayerKind } from '../layers/layer-driver';
import type { PersistedInstance } from '../infrastructure/store/agent-state-store';
import { FakeLayer } from '../testing/fake-layer';
import { FakeStateStore } from '../testing/fake-state-store';
import { HostAgentFixture, specPayload } from '../testing/host-agent-fixture';
import { InstanceTable } from './instance-table';
import { reconcileAfterRestart } from './reconcile-after-restart';

const row = (instance: string, state: string, layer: LayerKind = 'process'): PersistedInstance => ({
  spec: instanceSpecOf(specPayload(instance), '/nowhere'),
  layer,
  state,
  handle: { pid: 4242 },
});

async function restartedWith(
  rows: PersistedInstance[],
  survivors: string[],
  running: FoundWorkload[] = [],
) {
  const store = new FakeStateStore();
  await store.saveInstances(rows);
  const layer = new FakeLayer();
  for (const instance of survivors) layer.survivors.add(instance);
  layer.running.push(...running);
  const reports: ReportDraft[] = [];
  const onDiskAtReport: PersistedInstance[][] = [];
  const table = new InstanceTable(store, (draft) => {
    reports.push(draft);
    onDiskAtReport.push(store.saved());
  });
  const layers = new Map<LayerKind, LayerDriver>([['process', layer]]);
  const stops = await reconcileAfterRestart(table, layers, '/nowhere');
  await Promise.all(stops.map((stop) => stop.done));
  return { store, layer, reports, table, onDiskAtReport };
}

/** A workload running for `instance`, as the process layer finds it. */
const workload = (instance: string, pid: number): FoundWorkload => ({
  instance,
  handle: { pid, startTime: pid * 10, port: 4100 },
});

describe('reconcileAfterRestart', () => {
  it('adopts an instance that kept running and reports it as it was', async () => {
    const { reports, table } = await restartedWith([row('web-1', 'healthy')], ['web-1']);
    expect(table.get('web-1')?.state).toBe('healthy');
    expect(reports).toEqual([
      {
        kind: 'instance',
        instance: 'web-1',
        service: 'shop',
        app: 'web',
        state: 'healthy',
        detail: 'adopted after an agent restart',
      },
    ]);
  });

  it('reports failed an instance that vanished while the agent was down, and keeps that on disk', async () => {
    const { reports, store } = await restartedWith(
      [row('web-1', 'healthy'), row('web-2', 'running')],
      ['web-1'],
    );
    expect(reports.at(-1)).toMatchObject({
      instance: 'web-2',
      state: 'failed',
      detail: 'ended while the agent was down',
    });
    expect(store.saved().map((saved) => [saved.spec.instance, saved.state])).toEqual([
      ['web-1', 'healthy'],
      ['web-2', 'failed'],
    ]);
  });

  it('reports failed an instance whose layer this host no longer offers', async () => {
    const { reports } = await restartedWith([row('vm-1', 'running', 'qemu')], []);
    expect(reports).toMatchObject([
      { instance: 'vm-1', state: 'failed', detail: 'layer qemu is gone' },
    ]);
  });

  it('keeps a stopped instance stopped and silent, yet known to its layer', async () => {
    const { reports, layer, table } = await restartedWith([row('db-1', 'stopped')], []);
    expect(reports).toEqual([]);
    expect(table.get('db-1')?.state).toBe('stopped');
    expect(layer.count('adopt', 'db-1')).toBe(1);
  });

  it('finishes a stop it went down in the middle of: the layer stops the instance, reported stopped', async () => {
    const { reports, layer, table, store } = await restartedWith(
      [row('pay-1', 'stopping')],
      ['pay-1'],
    );
    expect(layer.calls).toContain('stop pay-1 10000');
    expect(table.get('pay-1')?.state).toBe('stopped');
    expect(reports).toMatchObject([{ instance: 'pay-1', state: 'stopped' }]);
    expect(store.saved()).toMatchObject([{ state: 'stopped' }]);
  });

  it('reports stopped, without asking its layer, an instance it was stopping that ended meanwhile', async () => {
    const { reports, layer, table } = await restartedWith([row('pay-1', 'stopping')], []);
    expect(layer.count('stop', 'pay-1')).toBe(0);
    expect(table.get('pay-1')?.state).toBe('stopped');
    expect(reports).toMatchObject([
      { instance: 'pay-1', state: 'stopped', detail: 'ended while the agent was down' },
    ]);
  });

  describe('workloads the saved handles do not lead to', () => {
    it('adopts the workload of an instance saved as starting without a pid, keeping its pid on disk before reporting it', async () => {
      const starting = { ...row('web-1', 'starting'), handle: {} };
      const { reports, table, layer, onDiskAtReport } = await restartedWith(
        [starting],
        [],
        [workload('web-1', 5001)],
      );
      expect(layer.count('stopFound')).toBe(0);
      expect(table.get('web-1')).toMatchObject({ state: 'starting', handle: { pid: 5001 } });
      expect(reports).toEqual([
        expect.objectContaining({
          instance: 'web-1',
          state: 'starting',
          detail: 'adopted after an agent restart',
        }),
      ]);
      expect(onDiskAtReport[0]).toMatchObject([{ state: 'starting', handle: { pid: 5001 } }]);
    });

    it('stops a workload of an instance the table does not know, and says nothing of it', async () => {
      const { reports, layer, table } = await restartedWith([], [], [workload('ghost-1', 5002)]);
      expect(layer.calls).toContain('stopFound ghost-1 5002');
      expect(layer.running).toEqual([]);
      expect(table.get('ghost-1')).toBeUndefined();
      expect(reports).toEqual([]);
    });

    it('stops a second copy of an instance whose saved process still runs', async () => {
      const saved = { ...row('web-1', 'healthy'), handle: workload('web-1', 5001).handle };
      const { layer, table, reports } = await restartedWith(
        [saved],
        [],
        [workload('web-1', 5001), workload('web-1', 5003)],
      );
      expect(layer.calls.filter((call) => call.startsWith('stopFound'))).toEqual([
        'stopFound web-1 5003',
      ]);
      expect(table.get('web-1')).toMatchObject({ state: 'healthy', handle: { pid: 5001 } });
      expect(reports).toMatchObject([{ state: 'healthy' }]);
    });

    it('adopts one of two workloads of an instance it expects, and stops the other', async () => {
      const starting = { ...row('web-1', 'starting'), handle: {} };
      const { layer, table } = await restartedWith(
        [starting],
        [],
        [workload('web-1', 5001), workload('web-1', 5004)],
      );
      expect(table.get('web-1')?.handle).toMatchObject({ pid: 5001 });
      expect(layer.running.map((w) => w.handle.pid)).toEqual([5001]);
    });

    it('stops a workload of an instance saved stopped or failed, which stays so', async () => {
      const { layer, table, reports } = await restartedWith(
        [
          { ...row('web-1', 'stopped'), handle: {} },
          { ...row('web-2', 'failed'), handle: {} },
        ],
        [],
        [workload('web-1', 5001), workload('web-2', 5002)],
      );
      expect(layer.running).toEqual([]);
      expect(table.get('web-1')?.state).toBe('stopped');
      expect(table.get('web-2')?.state).toBe('failed');
      expect(reports).toEqual([]);
    });

    it('stops the workload of a stop it went down in before saving the pid, then reports the instance stopped', async () => {
      const { layer, table } = await restartedWith(
        [{ ...row('web-1', 'stopping'), handle: {} }],
        [],
        [workload('web-1', 5001)],
      );
      expect(layer.running).toEqual([]);
      expect(table.get('web-1')?.state).toBe('stopped');
    });
  });

  it('killed while saving that a started instance runs, restarts running it once, never reported running before', async () => {
    const host = new HostAgentFixture();
    const saveInstances = host.store.saveInstances.bind(host.store);
    let saves = 0;
    // The agent dies in the save after the start: that save never reaches the disk.
    host.store.saveInstances = (rows) =>
      ++saves === 1 ? saveInstances(rows) : new Promise<void>(() => undefined);
    void host.send({ type: 'start', spec: specPayload('web-1') });
    while (saves < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(host.layer.count('start', 'web-1')).toBe(1);
    expect(host.states('web-1')).toEqual(['starting']);
    // What the layer started runs on without the agent.
    host.layer.running.push({ instance: 'web-1', handle: { pid: 4242 } });
    host.store.saveInstances = saveInstances;

    await host.restart();

    expect(host.states('web-1')).toEqual(['starting', 'starting']);
    expect(host.reports.at(-1)).toMatchObject({ detail: 'adopted after an agent restart' });
    expect(host.layer.count('stopFound')).toBe(0);
    expect(host.store.saved()).toMatchObject([{ state: 'starting', handle: { pid: 4242 } }]);
  });

  it('registers without waiting for a leftover workload to stop, and holds a start of its instance until it has', async () => {
    const host = new HostAgentFixture();
    host.layer.running.push(workload('ghost-1', 5002));
    let release!: () => void;
    host.layer.stopsFoundWait = new Promise<void>((resolve) => (release = resolve));
    let restored = false;
    const restoring = host.restart().then(() => (restored = true));
    try {
      await flush();
      expect(restored).toBe(true);
      expect(host.agent.registeredInstances()).toEqual([]);
      await host.send({ type: 'start', spec: specPayload('ghost-1') });
      await flush();
      expect(host.layer.count('start', 'ghost-1')).toBe(0);
    } finally {
      release();
      await restoring;
    }
    await host.agent.settled();
    expect(host.layer.calls.filter((call) => /^(stopFound|start) ghost-1/.test(call))).toEqual([
      'stopFound ghost-1 5002',
      'start ghost-1',
    ]);
  });

  it('restores on a table that cannot be saved, reporting an instance that died meanwhile failed', async () => {
    const host = new HostAgentFixture();
    await host.started('web-1');
    host.layer.states.delete('web-1');
    host.store.saveInstances = () => Promise.reject(new Error('ENOSPC: no space left on device'));
    await host.restart();
    expect(host.states('web-1').at(-1)).toBe('failed');
    expect(host.agent.registeredInstances()).toEqual([
      expect.objectContaining({ instance: 'web-1', state: 'failed' }),
    ]);
  });
});

/** Lets promises already settled run their continuations. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}
