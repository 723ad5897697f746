import { allocationOf, clusterOf, hostAttributes, request } from '../testing/cluster-fixture';
import { restoreLedger } from './ledger-restore';

describe('restoring the ledger', () => {
  it('puts moved claims back at their place, releases new ones and leaves the counters as they were', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    for (const instance of ['a', 'b', 'c']) state.allocate(allocationOf(request(instance), 'h1'));
    const ledger = state.everyAllocation();
    const allocated = state.hosts.map((host) => ({ ...host.allocated }));
    state.allocate(allocationOf(request('b'), 'h2'));
    state.allocate(allocationOf(request('d'), 'h2'));
    restoreLedger(state, ledger);
    expect(state.everyAllocation()).toEqual(ledger);
    expect(state.everyAllocation().every((claim, i) => claim === ledger[i])).toBe(true);
    expect(state.hosts.map((host) => host.allocated)).toEqual(allocated);
    expect(state.instancesOf('shop/web')).toBe(3);
  });
});
