import { allocationOf, clusterOf, hostAttributes, request } from '../testing/cluster-fixture';
import { dryRun } from './placement-dry-run';
import { PlacementStack } from './placement-stack';

describe('placement dry run', () => {
  const cluster = () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    state.allocate(allocationOf(request('web-1'), 'h1'));
    state.allocate(allocationOf(request('db-1', { service: 'store', app: 'db' }), 'h2'));
    state.allocate(allocationOf(request('web-2'), 'h2'));
    return state;
  };

  it('places the requests as one batch and leaves every claim where it was, in its order', () => {
    const state = cluster();
    const before = state.everyAllocation();
    const allocated = state.hosts.map((host) => ({ ...host.allocated }));
    const decisions = dryRun(new PlacementStack(), state, [request('web-3'), request('web-4')]);
    expect(decisions.map((decision) => decision.outcome)).toEqual(['placed', 'placed']);
    expect(state.everyAllocation()).toEqual(before);
    expect(state.hosts.map((host) => host.allocated)).toEqual(allocated);
  });

  it('plans a service as if its instances were gone, then gives them back in their order', () => {
    const state = cluster();
    const before = state.everyAllocation();
    const decisions = dryRun(new PlacementStack(), state, [request('web-1')], { without: 'shop' });
    expect(decisions[0].outcome).toBe('placed');
    expect(state.everyAllocation()).toEqual(before);
    expect(state.instancesOf('shop/web')).toBe(2);
  });
});
