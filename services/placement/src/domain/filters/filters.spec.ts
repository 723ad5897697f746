import {
  clusterOf,
  contextFor,
  GiB,
  hostAttributes,
  request,
  allocationOf,
} from '../../testing/cluster-fixture';
import { allowedSitesFilter } from './allowed-sites';
import { antiAffinityFilter } from './anti-affinity';
import { budgetFilter } from './budget';
import { freeResourcesFilter } from './free-resources';
import { hostStateFilter } from './host-state';
import { layerKindFilter } from './layer-kind';
import { relocationBanFilter } from './relocation-ban';
import { securityLevelFilter } from './security-level';

describe('layer kind filter', () => {
  it('passes a host offering the layer and rejects one without it', () => {
    const state = clusterOf(
      hostAttributes('a', { layers: ['process'] }),
      hostAttributes('b', { layers: ['qemu'] }),
    );
    const context = contextFor(request('i1', { layer: 'process' }), state);
    expect(layerKindFilter.reject(state.host('a')!, context)).toBeUndefined();
    expect(layerKindFilter.reject(state.host('b')!, context)).toBe('layer');
  });
});

describe('host state filter', () => {
  it('accepts only ready hosts that are not cordoned', () => {
    const state = clusterOf(
      hostAttributes('ready'),
      hostAttributes('down'),
      hostAttributes('drain'),
      hostAttributes('c'),
    );
    state.setState('down', 'down');
    state.setState('drain', 'draining');
    state.setCordoned('c', true);
    const context = contextFor(request('i1'), state);
    expect(hostStateFilter.reject(state.host('ready')!, context)).toBeUndefined();
    expect(hostStateFilter.reject(state.host('down')!, context)).toBe('not-ready');
    expect(hostStateFilter.reject(state.host('drain')!, context)).toBe('draining');
    expect(hostStateFilter.reject(state.host('c')!, context)).toBe('cordoned');
  });

  it('takes a host back once it is uncordoned', () => {
    const state = clusterOf(hostAttributes('c'));
    state.setCordoned('c', true);
    state.setCordoned('c', false);
    expect(
      hostStateFilter.reject(state.host('c')!, contextFor(request('i1'), state)),
    ).toBeUndefined();
  });
});

describe('free resources filter', () => {
  it('names the resource the host lacks', () => {
    const state = clusterOf(
      hostAttributes('small-disk', {
        capacity: { cpu: 8000, memory: 32 * GiB, storage: 0.5 * GiB, bandwidth: 1e9 },
      }),
      hostAttributes('small-cpu', {
        capacity: { cpu: 100, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 1e9 },
      }),
      hostAttributes('slow-link', {
        capacity: { cpu: 8000, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 1e6 },
      }),
      hostAttributes('roomy'),
    );
    const context = contextFor(request('i1'), state);
    expect(freeResourcesFilter.reject(state.host('small-disk')!, context)).toBe('capacity:storage');
    expect(freeResourcesFilter.reject(state.host('small-cpu')!, context)).toBe('capacity:cpu');
    expect(freeResourcesFilter.reject(state.host('slow-link')!, context)).toBe(
      'capacity:bandwidth',
    );
    expect(freeResourcesFilter.reject(state.host('roomy')!, context)).toBeUndefined();
  });

  it('counts what is already allocated and ignores the instance’s own claim when it is placed again', () => {
    const state = clusterOf(
      hostAttributes('h', {
        capacity: { cpu: 1000, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 1e9 },
      }),
    );
    const first = request('i1', { resources: { cpu: 800, memory: 0, storage: 0, bandwidth: 0 } });
    state.allocate(allocationOf(first, 'h'));
    expect(
      freeResourcesFilter.reject(
        state.host('h')!,
        contextFor(request('i2', { resources: first.resources }), state),
      ),
    ).toBe('capacity:cpu');
    expect(freeResourcesFilter.reject(state.host('h')!, contextFor(first, state))).toBeUndefined();
  });

  it('rejects memory when only memory is short', () => {
    const state = clusterOf(
      hostAttributes('h', {
        capacity: { cpu: 8000, memory: 64 * 1024 ** 2, storage: 500 * GiB, bandwidth: 1e9 },
      }),
    );
    expect(freeResourcesFilter.reject(state.host('h')!, contextFor(request('i1'), state))).toBe(
      'capacity:memory',
    );
  });
});

describe('security level filter', () => {
  it('rejects hosts below the minimum and accepts equal or higher ones', () => {
    const state = clusterOf(
      hostAttributes('low', { securityLevel: 2 }),
      hostAttributes('eq', { securityLevel: 3 }),
    );
    const context = contextFor(request('i1', { minSecurityLevel: 3 }), state);
    expect(securityLevelFilter.reject(state.host('low')!, context)).toBe('security-level');
    expect(securityLevelFilter.reject(state.host('eq')!, context)).toBeUndefined();
  });
});

describe('allowed sites filter', () => {
  it('keeps hosts of the listed sites and any host when no site is listed', () => {
    const state = clusterOf(
      hostAttributes('g', { site: 'geneva' }),
      hostAttributes('z', { site: 'zurich' }),
    );
    const restricted = contextFor(request('i1', { sites: ['geneva', 'lausanne'] }), state);
    expect(allowedSitesFilter.reject(state.host('g')!, restricted)).toBeUndefined();
    expect(allowedSitesFilter.reject(state.host('z')!, restricted)).toBe('site');
    expect(
      allowedSitesFilter.reject(state.host('z')!, contextFor(request('i2'), state)),
    ).toBeUndefined();
  });
});

describe('anti-affinity filter', () => {
  it('keeps two instances of an application with a self rule apart', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const web = (id: string) => request(id, { antiAffinity: ['shop/web'] });
    state.allocate(allocationOf(web('w1'), 'h1'));
    const context = contextFor(web('w2'), state);
    expect(antiAffinityFilter.reject(state.host('h1')!, context)).toBe('anti-affinity');
    expect(antiAffinityFilter.reject(state.host('h2')!, context)).toBeUndefined();
  });

  it('holds across services even when only one service declares the rule', () => {
    const state = clusterOf(hostAttributes('h1'));
    state.allocate(allocationOf(request('w1', { antiAffinity: ['bank/payment'] }), 'h1'));
    const payment = request('p1', { service: 'bank', app: 'payment' });
    expect(antiAffinityFilter.reject(state.host('h1')!, contextFor(payment, state))).toBe(
      'anti-affinity',
    );
    const declared = request('p2', { service: 'bank', app: 'payment', antiAffinity: ['shop/web'] });
    const other = clusterOf(hostAttributes('h1'));
    other.allocate(allocationOf(request('w1'), 'h1'));
    expect(antiAffinityFilter.reject(other.host('h1')!, contextFor(declared, other))).toBe(
      'anti-affinity',
    );
  });

  it('lets unrelated applications share a host', () => {
    const state = clusterOf(hostAttributes('h1'));
    state.allocate(allocationOf(request('w1', { antiAffinity: ['shop/web'] }), 'h1'));
    expect(
      antiAffinityFilter.reject(state.host('h1')!, contextFor(request('d1', { app: 'db' }), state)),
    ).toBeUndefined();
  });

  it('does not count an instance against itself when it is placed again on its host', () => {
    const state = clusterOf(hostAttributes('h1'));
    const web = request('w1', { antiAffinity: ['shop/web'] });
    state.allocate(allocationOf(web, 'h1'));
    expect(antiAffinityFilter.reject(state.host('h1')!, contextFor(web, state))).toBeUndefined();
  });
});

describe('relocation ban filter', () => {
  it('pins a placed non-relocatable instance to its host', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const db = request('d1', { app: 'db', relocatable: false });
    state.allocate(allocationOf(db, 'h1'));
    const context = contextFor(db, state);
    expect(relocationBanFilter.reject(state.host('h1')!, context)).toBeUndefined();
    expect(relocationBanFilter.reject(state.host('h2')!, context)).toBe('relocation-ban');
  });

  it('lets relocatable and not yet placed instances go anywhere', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const web = request('w1');
    state.allocate(allocationOf(web, 'h1'));
    expect(relocationBanFilter.reject(state.host('h2')!, contextFor(web, state))).toBeUndefined();
    expect(
      relocationBanFilter.reject(
        state.host('h2')!,
        contextFor(request('new', { relocatable: false }), state),
      ),
    ).toBeUndefined();
  });
});

describe('budget filter', () => {
  it('refuses a host whose cost would take the service over its budget', () => {
    const state = clusterOf(
      hostAttributes('cheap'),
      hostAttributes('dear', {
        costs: { cpuHour: 4, memoryGiBHour: 0.5, storageGiBMonth: 1, networkGiB: 0.01 },
      }),
    );
    state.allocate(allocationOf(request('w0'), 'cheap', 0.5));
    const context = contextFor(request('w1', { maxCostPerHour: 1 }), state);
    expect(budgetFilter.reject(state.host('cheap')!, context)).toBeUndefined();
    expect(budgetFilter.reject(state.host('dear')!, context)).toBe('budget');
  });

  it('ignores services without a budget', () => {
    const state = clusterOf(
      hostAttributes('h', {
        costs: { cpuHour: 1000, memoryGiBHour: 0, storageGiBMonth: 0, networkGiB: 0 },
      }),
    );
    expect(budgetFilter.reject(state.host('h')!, contextFor(request('w1'), state))).toBeUndefined();
  });
});
