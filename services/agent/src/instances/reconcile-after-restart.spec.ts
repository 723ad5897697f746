import { instanceSpecOf } from '../domain/instance-spec';
import type { ReportDraft } from '../domain/report-draft';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import type { PersistedInstance } from '../infrastructure/store/agent-state-store';
import { FakeLayer } from '../testing/fake-layer';
import { FakeStateStore } from '../testing/fake-state-store';
import { specPayload } from '../testing/host-agent-fixture';
import { InstanceTable } from './instance-table';
import { reconcileAfterRestart } from './reconcile-after-restart';

const row = (instance: string, state: string, layer: LayerKind = 'process'): PersistedInstance => ({
  spec: instanceSpecOf(specPayload(instance), '/nowhere'),
  layer,
  state,
  handle: { pid: 4242 },
});

async function restartedWith(rows: PersistedInstance[], survivors: string[]) {
  const store = new FakeStateStore();
  await store.saveInstances(rows);
  const layer = new FakeLayer();
  for (const instance of survivors) layer.survivors.add(instance);
  const reports: ReportDraft[] = [];
  const table = new InstanceTable(store, (draft) => reports.push(draft));
  const layers = new Map<LayerKind, LayerDriver>([['process', layer]]);
  await reconcileAfterRestart(table, layers);
  return { store, layer, reports, table };
}

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
});
