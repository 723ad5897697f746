import { parseServiceSpec, type NormalisedServiceSpec } from '@federa/contracts';
import { allocationOf, clusterOf, GiB, hostAttributes } from '../testing/cluster-fixture';
import { findCheaperPlacements } from './cheaper-placements';
import type { ClusterState } from './cluster-state';
import type { HostAttributes } from './host-entry';
import { PlacementStack } from './placement-stack';
import { requestForApplication } from './request-for-application';
import { ServiceCatalog } from './service-catalog';

function spec(yaml: string): NormalisedServiceSpec {
  const parsed = parseServiceSpec(yaml, 'yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value.normalised;
}

const shop = spec(`
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:
    - { name: web, layer: process, artifact: { command: [node, w.js] }, resources: { cpu: 500m, memory: 512Mi } }
    - { name: catalog-db, layer: process, artifact: { command: [node, d.js] }, resources: { cpu: 1, memory: 1Gi }, data: { path: /var/db } }
    - { name: vault, layer: process, artifact: { command: [node, v.js] }, resources: { cpu: 1, memory: 1Gi }, placement: { relocatable: false } }
    - { name: secret, layer: process, artifact: { command: [node, s.js] }, resources: { cpu: 1, memory: 1Gi }, placement: { minSecurityLevel: 3 } }
  rules:
    - { antiAffinity: [web] }
`);

/** Rates that make prices easy to check by hand: only cpu and memory cost anything. */
const rates = (cpuHour: number, memoryGiBHour: number) => ({
  costs: { cpuHour, memoryGiBHour, storageGiBMonth: 0, networkGiB: 0 },
});
// catalog-db (1 cpu, 1 GiB): 0.45/h on dear, 0.25/h on mid, 0.11/h on cheap.
const dear = (overrides: Partial<HostAttributes> = {}) =>
  hostAttributes('dear', { ...rates(0.4, 0.05), ...overrides });
const mid = (overrides: Partial<HostAttributes> = {}) =>
  hostAttributes('mid', { ...rates(0.2, 0.05), ...overrides });
const cheap = (overrides: Partial<HostAttributes> = {}) =>
  hostAttributes('cheap', { ...rates(0.1, 0.01), ...overrides });
const cpuOnly = (cpu: number) => ({ cpu, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 10e9 });

/** The shop's catalogue over `state`, with instances `[instance, app, host]` placed. */
function cluster(state: ClusterState, instances: [string, string, string][]) {
  const catalog = new ServiceCatalog();
  catalog.define(shop);
  for (const [instance, app, host] of instances) {
    state.allocate(allocationOf(requestForApplication(shop, app, instance), host));
  }
  return { state, catalog };
}

const recommend = (
  model: ReturnType<typeof cluster>,
  options: Partial<Parameters<typeof findCheaperPlacements>[2]> = {},
) => findCheaperPlacements(new PlacementStack(), model, { minSavingPerHour: 0.01, ...options });

describe('cheaper placements', () => {
  it('recommends the cheapest host that takes the instance, with prices checked by hand', () => {
    const model = cluster(clusterOf(dear(), mid(), cheap()), [['db-1', 'catalog-db', 'dear']]);
    expect(recommend(model)).toEqual([
      {
        id: expect.stringMatching(/^rec-[0-9a-f]{16}$/),
        instance: 'db-1',
        service: 'shop',
        app: 'catalog-db',
        from: 'dear',
        to: 'cheap',
        mode: 'cold',
        costPerHour: { before: 0.45, after: 0.11 },
        savingPerHour: 0.34,
        message: 'move db-1 from dear to cheap: 0.34/h less',
      },
    ]);
  });

  it('lists the biggest saving first and names a move without data make-before-break', () => {
    const model = cluster(clusterOf(dear(), cheap()), [
      ['web-1', 'web', 'dear'],
      ['db-1', 'catalog-db', 'dear'],
    ]);
    // web-1 (0.5 cpu, 0.5 GiB): 0.225/h on dear, 0.055/h on cheap.
    expect(recommend(model).map((r) => [r.instance, r.savingPerHour, r.mode])).toEqual([
      ['db-1', 0.34, 'cold'],
      ['web-1', 0.17, 'make-before-break'],
    ]);
  });

  it('offers nothing that saves less than the threshold', () => {
    const model = cluster(clusterOf(dear(), mid()), [['db-1', 'catalog-db', 'dear']]);
    expect(recommend(model, { minSavingPerHour: 0.21 })).toEqual([]);
    expect(recommend(model, { minSavingPerHour: 0.2 }).map((r) => r.to)).toEqual(['mid']);
  });

  it('never offers a host below the application’s security level', () => {
    const model = cluster(
      clusterOf(dear(), mid({ securityLevel: 2 }), cheap({ securityLevel: 1 })),
      [['secret-1', 'secret', 'dear']],
    );
    expect(recommend(model)).toEqual([]);
  });

  it('never offers a host that holds an instance its anti-affinity keeps away', () => {
    const model = cluster(clusterOf(dear(), mid(), cheap()), [
      ['web-1', 'web', 'dear'],
      ['web-2', 'web', 'cheap'],
    ]);
    expect(recommend(model).map((r) => [r.instance, r.to])).toEqual([['web-1', 'mid']]);
  });

  it('never moves an instance its relocation ban pins', () => {
    const model = cluster(clusterOf(dear(), cheap()), [['vault-1', 'vault', 'dear']]);
    expect(recommend(model)).toEqual([]);
  });

  it('never offers a host without room for the instance', () => {
    const model = cluster(clusterOf(dear(), cheap({ capacity: cpuOnly(900) })), [
      ['db-1', 'catalog-db', 'dear'],
    ]);
    expect(recommend(model)).toEqual([]);
  });

  it('lets two instances not both take the room a cheap host has for one', () => {
    const model = cluster(clusterOf(dear(), mid(), cheap({ capacity: cpuOnly(1500) })), [
      ['db-1', 'catalog-db', 'dear'],
      ['db-2', 'catalog-db', 'dear'],
    ]);
    expect(recommend(model).map((r) => [r.instance, r.to])).toEqual([
      ['db-1', 'cheap'],
      ['db-2', 'mid'],
    ]);
  });

  it('leaves cordoned and draining hosts out, and instances on a draining host to the drain', () => {
    const state = clusterOf(dear(), mid(), cheap());
    state.setCordoned('cheap', true);
    state.setState('mid', 'draining');
    expect(recommend(cluster(state, [['db-1', 'catalog-db', 'dear']]))).toEqual([]);
    const draining = clusterOf(dear(), cheap());
    draining.setState('dear', 'draining');
    expect(recommend(cluster(draining, [['db-1', 'catalog-db', 'dear']]))).toEqual([]);
  });

  it('moves only instances that run, and none that is already moving', () => {
    const model = cluster(clusterOf(dear(), mid(), cheap()), [
      ['db-1', 'catalog-db', 'dear'],
      ['db-2', 'catalog-db', 'dear'],
    ]);
    expect(recommend(model, { isRunning: (i) => i !== 'db-1' }).map((r) => r.instance)).toEqual([
      'db-2',
    ]);
    model.state.reserve({ ...model.state.allocation('db-2')!, host: 'mid' });
    expect(recommend(model).map((r) => r.instance)).toEqual(['db-1']);
  });

  it('keeps its id while nothing changes, gives another once the target’s allocations move on, and leaves the state as it was', () => {
    const model = cluster(clusterOf(dear(), cheap({ capacity: cpuOnly(1500) })), [
      ['db-1', 'catalog-db', 'dear'],
      ['db-2', 'catalog-db', 'dear'],
    ]);
    const allocated = { ...model.state.host('cheap')!.allocated };
    const [first] = recommend(model);
    expect(model.state.host('cheap')!.allocated).toEqual(allocated);
    expect(recommend(model)[0].id).toBe(first.id);
    model.state.setAllocationVersion('cheap', 7);
    expect(recommend(model)[0].id).not.toBe(first.id);
  });

  it('lists only the instances of the service asked about', () => {
    const model = cluster(clusterOf(dear(), cheap()), [['db-1', 'catalog-db', 'dear']]);
    expect(recommend(model, { service: 'other' })).toEqual([]);
    expect(recommend(model, { service: 'shop' })).toHaveLength(1);
  });

  it('lists a service’s moves as they stand in the whole list, so that an id listed for one service can be applied', () => {
    const blog = spec(`
apiVersion: federa/v1
kind: Service
metadata: { name: blog }
spec:
  applications:
    - { name: db, layer: process, artifact: { command: [node, d.js] }, resources: { cpu: 1, memory: 1Gi }, data: { path: /var/db } }
`);
    // cheap has room for one: shop's db-1 saves 0.34/h there, blog's db-1 only 0.14/h.
    const model = cluster(clusterOf(dear(), mid(), cheap({ capacity: cpuOnly(1500) })), [
      ['db-1', 'catalog-db', 'dear'],
    ]);
    model.catalog.define(blog);
    model.state.allocate(allocationOf(requestForApplication(blog, 'db', 'blog-db-1'), 'mid'));
    const all = recommend(model);
    expect(all.map((r) => [r.instance, r.to])).toEqual([['db-1', 'cheap']]);
    expect(recommend(model, { service: 'blog' })).toEqual([]);
    expect(recommend(model, { service: 'shop' })).toEqual(all);
  });
});
