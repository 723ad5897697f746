import { allocationOf, clusterOf, hostAttributes, request } from '../testing/cluster-fixture';

describe('cluster state counters', () => {
  it('count instances per host, site, service and application as allocations come and go', () => {
    const state = clusterOf(
      hostAttributes('h1', { site: 'geneva' }),
      hostAttributes('h2', { site: 'geneva' }),
    );
    const web = request('w1', { antiAffinity: ['shop/web'] });
    state.allocate(allocationOf(web, 'h1', 0.3));
    state.allocate(allocationOf(request('w2'), 'h2', 0.2));
    expect(state.appCountOnHost('h1', 'shop/web')).toBe(1);
    expect(state.appCountOnSite('geneva', 'shop/web')).toBe(2);
    expect(state.exclusionsOf('h1', 'shop/web')).toBe(1);
    expect(state.serviceCostPerHour('shop')).toBeCloseTo(0.5);
    expect(state.instancesOf('shop/web')).toBe(2);
    expect(state.host('h1')!.allocated.cpu).toBe(500);

    state.release('w1');
    expect(state.appCountOnHost('h1', 'shop/web')).toBe(0);
    expect(state.exclusionsOf('h1', 'shop/web')).toBe(0);
    expect(state.serviceCostPerHour('shop')).toBeCloseTo(0.2);
    expect(state.host('h1')!.allocated.cpu).toBe(0);
  });

  it('moves an instance allocated again to another host', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    state.allocate(allocationOf(request('w1'), 'h1'));
    state.allocate(allocationOf(request('w1'), 'h2'));
    expect(state.allocationsOn('h1')).toEqual([]);
    expect(state.allocation('w1')!.host).toBe('h2');
    expect(state.host('h1')!.allocated.cpu).toBe(0);
    expect(state.allocationCount).toBe(1);
  });

  it('gives hosts with identical attributes the same class and a cordoned one another', () => {
    const state = clusterOf(
      hostAttributes('h1'),
      hostAttributes('h2'),
      hostAttributes('h3', { securityLevel: 1 }),
    );
    expect(state.host('h1')!.classKey).toBe(state.host('h2')!.classKey);
    expect(state.host('h3')!.classKey).not.toBe(state.host('h1')!.classKey);
    state.setCordoned('h2', true);
    expect(state.host('h2')!.classKey).not.toBe(state.host('h1')!.classKey);
  });
});
