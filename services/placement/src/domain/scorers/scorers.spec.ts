import {
  allocationOf,
  clusterOf,
  contextFor,
  GiB,
  hostAttributes,
  request,
} from '../../testing/cluster-fixture';
import { costScorer } from './cost';
import { emphasisScorer } from './emphasis';
import { packingScorer } from './packing';
import { spreadScorer } from './spread';

describe('cost scorer', () => {
  it('gives the cheapest host 1 and a twice as expensive one 0.5', () => {
    const base = { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 };
    const double = { cpuHour: 0.08, memoryGiBHour: 0.01, storageGiBMonth: 0.2, networkGiB: 0.02 };
    const state = clusterOf(
      hostAttributes('cheap', { costs: base }),
      hostAttributes('dear', { costs: double }),
    );
    const scores = costScorer.score(
      [state.host('cheap')!, state.host('dear')!],
      contextFor(request('i'), state),
    );
    expect(scores[0]).toBe(1);
    expect(scores[1]).toBeCloseTo(0.5);
  });

  it('charges the operating cost of UPS and RAID', () => {
    const state = clusterOf(
      hostAttributes('plain'),
      hostAttributes('protected', { features: { ups: true, raid: true } }),
    );
    const scores = costScorer.score(
      [state.host('plain')!, state.host('protected')!],
      contextFor(request('i'), state),
    );
    expect(scores[0]).toBe(1);
    expect(scores[1]).toBeLessThan(1);
  });
});

describe('emphasis scorer', () => {
  it('applies only to applications with an emphasis', () => {
    const state = clusterOf(hostAttributes('h'));
    expect(emphasisScorer.appliesTo(contextFor(request('i'), state))).toBe(false);
    expect(emphasisScorer.appliesTo(contextFor(request('i', { emphasis: 'storage' }), state))).toBe(
      true,
    );
  });

  it('prefers the host with the most headroom in the emphasised resource', () => {
    const state = clusterOf(
      hostAttributes('big-disk', {
        capacity: { cpu: 2000, memory: 8 * GiB, storage: 1000 * GiB, bandwidth: 1e9 },
      }),
      hostAttributes('small-disk', {
        capacity: { cpu: 64000, memory: 256 * GiB, storage: 10 * GiB, bandwidth: 1e9 },
      }),
    );
    const db = request('d', {
      app: 'db',
      emphasis: 'storage',
      resources: { cpu: 500, memory: GiB, storage: 5 * GiB, bandwidth: 0 },
    });
    const [big, small] = emphasisScorer.score(
      [state.host('big-disk')!, state.host('small-disk')!],
      contextFor(db, state),
    );
    expect(big).toBeGreaterThan(small);
    expect(small).toBeCloseTo(0.5);
  });
});

describe('spread scorer', () => {
  const spread = [{ over: 'site' as const, apps: ['shop/web'] }];

  it('favours the site with the fewest instances of the rule’s applications', () => {
    const state = clusterOf(
      hostAttributes('g1', { site: 'geneva' }),
      hostAttributes('l1', { site: 'lausanne' }),
    );
    state.allocate(allocationOf(request('w1'), 'g1'));
    state.allocate(allocationOf(request('w2'), 'g1'));
    const context = contextFor(request('w3', { spread }), state);
    expect(spreadScorer.appliesTo(context)).toBe(true);
    expect(spreadScorer.score([state.host('g1')!, state.host('l1')!], context)).toEqual([0, 1]);
  });

  it('does not apply to applications outside its rules', () => {
    const state = clusterOf(hostAttributes('g1'));
    expect(spreadScorer.appliesTo(contextFor(request('d1', { app: 'db', spread }), state))).toBe(
      false,
    );
  });

  it('scores every site alike when they are balanced', () => {
    const state = clusterOf(
      hostAttributes('g1', { site: 'geneva' }),
      hostAttributes('l1', { site: 'lausanne' }),
    );
    state.allocate(allocationOf(request('w1'), 'g1'));
    state.allocate(allocationOf(request('w2'), 'l1'));
    expect(
      spreadScorer.score(
        [state.host('g1')!, state.host('l1')!],
        contextFor(request('w3', { spread }), state),
      ),
    ).toEqual([1, 1]);
  });
});

describe('packing scorer', () => {
  it('binpack prefers the busier host and spread the emptier one', () => {
    const state = clusterOf(hostAttributes('busy'), hostAttributes('idle'));
    state.allocate(
      allocationOf(
        request('x', { resources: { cpu: 6000, memory: 24 * GiB, storage: 0, bandwidth: 0 } }),
        'busy',
      ),
    );
    const hosts = [state.host('busy')!, state.host('idle')!];
    const context = contextFor(request('i'), state);
    const [busyPack, idlePack] = packingScorer('binpack').score(hosts, context);
    const [busySpread, idleSpread] = packingScorer('spread').score(hosts, context);
    expect(busyPack).toBeGreaterThan(idlePack);
    expect(idleSpread).toBeGreaterThan(busySpread);
  });
});

describe('spread scorer over hosts', () => {
  it('favours the host with the fewest instances of the rule’s applications', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    state.allocate(allocationOf(request('w1'), 'h1'));
    const context = contextFor(
      request('w2', { spread: [{ over: 'host', apps: ['shop/web'] }] }),
      state,
    );
    expect(spreadScorer.score([state.host('h1')!, state.host('h2')!], context)).toEqual([0, 1]);
  });
});
