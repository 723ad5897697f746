import { instanceSpecOf } from '../domain/instance-spec';
import type { ReportDraft } from '../domain/report-draft';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { FakeClock } from '../testing/fake-clock';
import { FakeLayer } from '../testing/fake-layer';
import { FakeStateStore } from '../testing/fake-state-store';
import { HostAgentFixture, specPayload } from '../testing/host-agent-fixture';
import { InstanceTable } from './instance-table';
import { InstanceWatch } from './instance-watch';

/** The spec's probe interval (specPayload: every 2 s, unhealthy after 2 failures in a row). */
const INTERVAL_MS = 2_000;

/** Lets probes answered by the fakes fold and their states be reported. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves the clock on by `ms` in 10 ms steps, letting each startup probe fire and fold. */
async function pass(clock: FakeClock, ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += 10) {
    clock.advance(Math.min(10, ms - passed));
    await settle();
  }
}

async function watching(state = 'running') {
  const layer = new FakeLayer();
  const store = new FakeStateStore();
  const clock = new FakeClock();
  const reports: ReportDraft[] = [];
  const table = new InstanceTable(store, (draft) => reports.push(draft));
  const layers = new Map<LayerKind, LayerDriver>([['process', layer]]);
  const watch = new InstanceWatch(table, layers, {
    heartbeatMs: 1_000,
    now: clock.now,
    schedule: clock.schedule,
  });
  const entry = InstanceTable.entryOf({
    spec: instanceSpecOf(specPayload('web-1'), '/nowhere'),
    layer: 'process',
    state,
    handle: { pid: 4242 },
  });
  await table.put(entry);
  if (state !== 'migrating') layer.states.set('web-1', 'running');
  const states = () => reports.filter((r) => r.kind === 'instance').map((r) => r.state);
  /** One round, then the clock moves on by a probe interval. */
  const round = async () => {
    await watch.round();
    clock.advance(INTERVAL_MS);
  };
  return { layer, store, clock, table, watch, entry, states, reports, round };
}

describe('InstanceWatch', () => {
  it('reports an instance healthy, then unhealthy after failed probes in a row, then failed once it ends', async () => {
    const { layer, store, states, reports, round } = await watching();
    await round();
    expect(states()).toEqual(['healthy']);
    layer.healthy.set('web-1', false);
    await round();
    expect(states()).toEqual(['healthy']);
    await round();
    expect(states()).toEqual(['healthy', 'unhealthy']);
    expect(reports.at(-1)).toMatchObject({ detail: 'GET /health answered 503' });
    layer.crash('web-1');
    await round();
    expect(states()).toEqual(['healthy', 'unhealthy', 'failed']);
    expect(reports.at(-1)).toMatchObject({ detail: 'layer says failed' });
    expect(store.saved()).toMatchObject([{ state: 'failed' }]);
  });

  it('probes an instance only once its probe interval has passed', async () => {
    const { layer, clock, watch } = await watching();
    await watch.round();
    clock.advance(INTERVAL_MS - 1);
    await watch.round();
    expect(layer.count('probe', 'web-1')).toBe(1);
    clock.advance(1);
    await watch.round();
    expect(layer.count('probe', 'web-1')).toBe(2);
  });

  it('heartbeats the load and usage the probes found, and counts a load change as a change', async () => {
    const { table, round } = await watching();
    const before = table.version;
    await round();
    expect(table.version).toBeGreaterThan(before);
    expect(table.beats()).toEqual([
      {
        instance: 'web-1',
        state: 'healthy',
        load: 0.25,
        usage: { cpuMillis: 100, memoryBytes: 1024, storageBytes: 2048, networkBytes: 8 },
      },
    ]);
  });

  it('leaves alone an instance a command is working on', async () => {
    const { layer, entry, states, round } = await watching();
    entry.busy = true;
    layer.crash('web-1');
    await round();
    expect(states()).toEqual([]);
    expect(layer.count('probe')).toBe(0);
  });

  it('marks an arriving instance running once its layer runs it, and never fails it before', async () => {
    const { layer, states, round } = await watching('migrating');
    await round();
    expect(states()).toEqual([]);
    layer.states.set('web-1', 'running');
    await round();
    expect(states()).toEqual(['running', 'healthy']);
  });

  it('changes nothing when the layer cannot tell the status, and looks again next round', async () => {
    const { layer, states, round } = await watching();
    layer.failNext('status', 'status read timed out');
    await round();
    expect(states()).toEqual([]);
    await round();
    expect(states()).toEqual(['healthy']);
  });

  it('runs one round at a time: a round asked for while one is going does nothing', async () => {
    const { layer, watch } = await watching();
    await Promise.all([watch.round(), watch.round()]);
    expect(layer.count('status', 'web-1')).toBe(1);
  });

  it('does not watch a stopped instance', async () => {
    const { layer, table, entry, states, round } = await watching();
    await table.setState(entry, 'stopped');
    layer.crash('web-1');
    await round();
    expect(states()).toEqual(['stopped']);
    expect(layer.count('probe')).toBe(0);
  });

  describe('before an instance first answers healthy', () => {
    it('reports it healthy at the first probe after it listens, 100 ms later at most, reading its status once', async () => {
      const { layer, clock, watch, states } = await watching();
      layer.healthy.set('web-1', false);
      await watch.round();
      await pass(clock, 250);
      expect(states()).toEqual([]);
      layer.healthy.set('web-1', true);
      await pass(clock, 100);
      expect(states()).toEqual(['healthy']);
      expect(layer.count('status', 'web-1')).toBe(1);
    });

    it('probes less and less often, and stops once the spec’s interval is as often', async () => {
      const { layer, clock, watch } = await watching();
      layer.healthy.set('web-1', false);
      await watch.round();
      await pass(clock, 300);
      expect(layer.count('probe', 'web-1')).toBe(4);
      await pass(clock, 600);
      expect(layer.count('probe', 'web-1')).toBe(7);
      await pass(clock, 10_000);
      expect(clock.pendingTimers).toBe(0);
    });

    it('waits for a startup probe’s answer before planning the next one', async () => {
      const { layer, clock, watch } = await watching();
      layer.healthy.set('web-1', false);
      await watch.round();
      let answer!: () => void;
      const probe = layer.probe.bind(layer);
      layer.probe = (instance) =>
        new Promise((resolve) => (answer = () => resolve(probe(instance))));
      await pass(clock, 1_000);
      expect(layer.count('probe', 'web-1')).toBe(1);
      expect(clock.pendingTimers).toBe(0);
      answer();
      await settle();
      expect(layer.count('probe', 'web-1')).toBe(2);
      expect(clock.pendingTimers).toBe(1);
    });

    it('declares a slow starter unhealthy no sooner than its normal probes allow (threshold × 5 intervals)', async () => {
      const { layer, clock, watch, states } = await watching();
      layer.healthy.set('web-1', false);
      for (let interval = 1; interval < 10; interval++) {
        await watch.round();
        await pass(clock, INTERVAL_MS);
      }
      expect(states()).toEqual([]);
      await watch.round();
      expect(states()).toEqual(['unhealthy']);
    });

    it('stops probing it once it is stopped', async () => {
      const { layer, clock, watch, table, entry } = await watching();
      layer.healthy.set('web-1', false);
      await watch.round();
      await table.setState(entry, 'stopped');
      await pass(clock, 1_000);
      expect(layer.count('probe', 'web-1')).toBe(1);
      expect(clock.pendingTimers).toBe(0);
    });

    it('stops probing it while a command works on it', async () => {
      const { layer, clock, watch, entry } = await watching();
      layer.healthy.set('web-1', false);
      await watch.round();
      entry.busy = true;
      await pass(clock, 1_000);
      expect(layer.count('probe', 'web-1')).toBe(1);
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps no timer once the watch is stopped', async () => {
      const { layer, clock, watch } = await watching();
      layer.healthy.set('web-1', false);
      await watch.round();
      watch.stop();
      expect(clock.pendingTimers).toBe(0);
      await pass(clock, 1_000);
      await watch.round();
      expect(layer.count('probe', 'web-1')).toBe(1);
      expect(clock.pendingTimers).toBe(0);
    });

    it('probes an instance from the end of its start, before any round, and a stop command ends that', async () => {
      const host = new HostAgentFixture();
      host.layer.healthy.set('web-1', false);
      await host.started('web-1');
      await pass(host.clock, 200);
      expect(host.layer.count('probe', 'web-1')).toBe(2);
      host.layer.healthy.set('web-1', true);
      await pass(host.clock, 100);
      expect(host.states('web-1')).toEqual(['starting', 'running', 'healthy']);

      host.layer.healthy.set('web-2', false);
      await host.started('web-2');
      await pass(host.clock, 100);
      await host.run({ type: 'stop', instance: 'web-2' });
      const probed = host.layer.count('probe', 'web-2');
      await pass(host.clock, 1_000);
      expect(host.layer.count('probe', 'web-2')).toBe(probed);
      expect(host.clock.pendingTimers).toBe(0);
    });
  });
});
