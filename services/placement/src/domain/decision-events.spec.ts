import { instancePlacedData, placementFailedData, reservationsOnHost } from './decision-events';
import { PlacementStack } from './placement-stack';
import { clusterOf, GiB, hostAttributes, request } from '../testing/cluster-fixture';

describe('events of a decision', () => {
  it('InstancePlaced carries the scores, the rejected hosts by reason and the runners-up', () => {
    const state = clusterOf(
      hostAttributes('a'),
      hostAttributes('b'),
      hostAttributes('low', { securityLevel: 1 }),
      hostAttributes('vm', { layers: ['qemu'] }),
    );
    const decision = new PlacementStack({ candidateLimit: 'all' }).decide(
      request('w1', { minSecurityLevel: 2 }),
      state,
    );
    if (decision.outcome !== 'placed') throw new Error('expected a placement');
    const data = instancePlacedData(decision, 7);
    expect(data).toMatchObject({
      instance: 'w1',
      service: 'shop',
      app: 'web',
      hostEpoch: 7,
      hostsConsidered: 4,
    });
    expect(data.rejected).toEqual([
      { filter: 'layer', hosts: 1, detail: '1 host lacked the process layer' },
      { filter: 'security-level', hosts: 1, detail: '1 host was below security level 2' },
    ]);
    expect(data.candidates!.map((c) => c.host).sort()).toEqual(['a', 'b']);
    expect(data.scores.byScorer).toHaveProperty('cost');
    // Logged to 4 decimals, the chosen host's and every runner-up's.
    const logged = [
      data.scores.total,
      ...Object.values(data.scores.byScorer),
      ...data.candidates!.flatMap((c) => [c.total, ...Object.values(c.byScorer)]),
    ];
    for (const score of logged) expect(Math.round(score * 1e4) / 1e4).toBe(score);
  });

  it('PlacementFailed counts every host under its reason and tells the story', () => {
    const tiny = { cpu: 100, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 10e9 };
    const state = clusterOf(
      hostAttributes('a', { capacity: tiny }),
      hostAttributes('b', { capacity: tiny }),
      hostAttributes('c', { site: 'zurich' }),
    );
    const decision = new PlacementStack().decide(request('w1', { sites: ['geneva'] }), state);
    if (decision.outcome !== 'failed') throw new Error('expected a failure');
    const data = placementFailedData(decision);
    expect(data.reasons).toEqual([
      { filter: 'capacity:cpu', hosts: 2, detail: '2 hosts lacked cpu' },
      { filter: 'site', hosts: 1, detail: '1 host was outside the allowed sites (geneva)' },
    ]);
    expect(data.message).toBe(
      'no host can take w1 (shop/web): 2 hosts lacked cpu, 1 host was outside the allowed sites (geneva)',
    );
  });

  it('reservations on one host carry the host’s running total', () => {
    const state = clusterOf(hostAttributes('a'));
    const stack = new PlacementStack();
    const decisions = stack.decideBatch([request('w1'), request('w2')], state);
    const placed = decisions.flatMap((d) => (d.outcome === 'placed' ? [d] : []));
    const [first, second] = reservationsOnHost(state.host('a')!, placed);
    expect(first).toMatchObject({
      change: 'reserved',
      instance: 'w1',
      allocated: { cpuMillis: 500 },
    });
    expect(second).toMatchObject({ instance: 'w2', allocated: { cpuMillis: 1000 } });
  });
});
