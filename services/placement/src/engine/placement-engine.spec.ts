import type { PlacementStore } from './placement-engine';
import { PlacementEngine } from './placement-engine';
import { allocationOf, hostAttributes, request } from '../testing/cluster-fixture';

/** Dry runs never touch the log: a store that fails the test if they do. */
const untouchedStore: PlacementStore = {
  append: () => Promise.reject(new Error('a dry run appended')),
  appendMany: () => Promise.reject(new Error('a dry run appended')),
  readStream: () => Promise.reject(new Error('a dry run read the log')),
  readAll: () => Promise.reject(new Error('a dry run read the log')),
};

describe('PlacementEngine.plan', () => {
  function engineWithOneWebRunning(): PlacementEngine {
    const engine = new PlacementEngine(untouchedStore);
    // Room for exactly one web per host.
    const capacity = { cpu: 500, memory: 1024 ** 3, storage: 2 * 1024 ** 3, bandwidth: 1e9 };
    for (const id of ['h1', 'h2']) engine.state.registerHost(hostAttributes(id, { capacity }));
    engine.state.allocate(allocationOf(request('shop-web-running'), 'h1'));
    return engine;
  }

  it('counts other instances, the service own included, when no service is left out', async () => {
    const engine = engineWithOneWebRunning();
    const decisions = await engine.plan([request('plan-1'), request('plan-2')]);
    expect(decisions.map((d) => d.outcome)).toEqual(['placed', 'failed']);
  });

  it("plans a fresh deploy without the service's own instances, then puts their claims back", async () => {
    const engine = engineWithOneWebRunning();
    const decisions = await engine.plan([request('plan-1'), request('plan-2')], {
      without: 'shop',
    });
    expect(decisions.map((d) => d.outcome)).toEqual(['placed', 'placed']);
    expect(engine.state.allocationCount).toBe(1);
    expect(engine.state.allocation('shop-web-running')?.host).toBe('h1');
    expect(engine.state.host('h1')?.allocated.cpu).toBe(500);
    expect(engine.state.host('h2')?.allocated.cpu).toBe(0);
  });
});

describe('PlacementEngine.reset', () => {
  it('forgets every host and allocation folded, so that the log can be folded again from its start', async () => {
    const engine = new PlacementEngine(untouchedStore);
    engine.state.registerHost(hostAttributes('h1'));
    engine.state.allocate(allocationOf(request('shop-web-1'), 'h1'));
    const lives = engine.lives;
    await engine.reset();
    expect(engine.state.allocationCount).toBe(0);
    expect(engine.state.host('h1')).toBeUndefined();
    expect(engine.lives).not.toBe(lives);
  });
});
