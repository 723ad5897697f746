import { FederaError, parseServiceSpec, type NormalisedServiceSpec } from '@federa/contracts';
import { allocationOf, clusterOf, GiB, hostAttributes } from '../testing/cluster-fixture';
import type { ClusterState } from './cluster-state';
import { costPerHour } from './cost-model';
import { planDrain } from './drain-plan';
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
    - { name: web, layer: process, artifact: { command: [node, w.js] }, resources: { cpu: 500m, memory: 128Mi }, dependsOn: [payment] }
    - { name: payment, layer: process, artifact: { command: [node, p.js] }, resources: { cpu: 250m, memory: 128Mi }, dependsOn: [catalog-db] }
    - { name: catalog-db, layer: process, artifact: { command: [node, d.js] }, resources: { cpu: 1, memory: 1Gi }, data: { path: /var/db } }
    - { name: vault, layer: process, artifact: { command: [node, v.js] }, resources: { cpu: 100m, memory: 64Mi }, placement: { relocatable: false } }
    - { name: vm, layer: qemu, artifact: { image: disk.qcow2 }, resources: { cpu: 1, memory: 512Mi } }
`);

const cpuOnly = (cpu: number) => ({ cpu, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 10e9 });

/** A cluster with the shop's catalogue, and instances `[instance, app]` placed on `on`. */
function cluster(state: ClusterState, on: string, instances: [string, string][]) {
  const catalog = new ServiceCatalog();
  catalog.define(shop);
  for (const [instance, app] of instances) {
    state.allocate(allocationOf(requestForApplication(shop, app, instance), on));
  }
  return { state, catalog };
}

describe('drain plan', () => {
  it('moves dependents before what they depend on, each to another host', () => {
    const model = cluster(clusterOf(hostAttributes('h1'), hostAttributes('h2')), 'h1', [
      ['db-1', 'catalog-db'],
      ['pay-1', 'payment'],
      ['web-1', 'web'],
      ['web-2', 'web'],
    ]);
    const plan = planDrain(new PlacementStack(), model, { host: 'h1' });
    expect(plan.moves.map((m) => m.instance)).toEqual(['web-1', 'web-2', 'pay-1', 'db-1']);
    expect(plan.moves.every((m) => m.from === 'h1' && m.to === 'h2')).toBe(true);
    expect(plan.blocked).toEqual([]);
  });

  it('lets two instances not both take the last slot a host has', () => {
    const model = cluster(
      clusterOf(hostAttributes('h1'), hostAttributes('small', { capacity: cpuOnly(600) })),
      'h1',
      [
        ['web-1', 'web'],
        ['web-2', 'web'],
      ],
    );
    const plan = planDrain(new PlacementStack(), model, { host: 'h1' });
    expect(plan.moves.map((m) => [m.instance, m.to])).toEqual([['web-1', 'small']]);
    expect(plan.blocked).toEqual([
      {
        instance: 'web-2',
        service: 'shop',
        app: 'web',
        reason: 'no host can take web-2 (shop/web): 1 host lacked cpu',
      },
    ]);
  });

  it('blocks a non-relocatable instance with its rule', () => {
    const model = cluster(clusterOf(hostAttributes('h1'), hostAttributes('h2')), 'h1', [
      ['vault-1', 'vault'],
    ]);
    const plan = planDrain(new PlacementStack(), model, { host: 'h1' });
    expect(plan.moves).toEqual([]);
    expect(plan.blocked).toEqual([
      {
        instance: 'vault-1',
        service: 'shop',
        app: 'vault',
        reason: 'not relocatable (placement.relocatable: false)',
      },
    ]);
  });

  it('says what every other host lacks when none can take an instance', () => {
    const state = clusterOf(
      hostAttributes('h1'),
      hostAttributes('vm-only', { layers: ['qemu'] }),
      hostAttributes('down'),
    );
    state.setState('down', 'down');
    const plan = planDrain(new PlacementStack(), cluster(state, 'h1', [['web-1', 'web']]), {
      host: 'h1',
    });
    expect(plan.blocked[0].reason).toBe(
      'no host can take web-1 (shop/web): 1 host lacked the process layer, 1 host was not ready',
    );
  });

  it('moves a VM between qemu hosts live, an application with data cold, the rest make-before-break', () => {
    const model = cluster(clusterOf(hostAttributes('h1'), hostAttributes('h2')), 'h1', [
      ['vm-1', 'vm'],
      ['db-1', 'catalog-db'],
      ['web-1', 'web'],
    ]);
    const modes = Object.fromEntries(
      planDrain(new PlacementStack(), model, { host: 'h1' }).moves.map((m) => [m.instance, m.mode]),
    );
    expect(modes).toEqual({ 'vm-1': 'live', 'db-1': 'cold', 'web-1': 'make-before-break' });
  });

  it('prices each instance on its host and its target, blocked ones staying where they are', () => {
    const dear = { cpuHour: 0.4, memoryGiBHour: 0.05, storageGiBMonth: 1, networkGiB: 0.1 };
    const state = clusterOf(hostAttributes('h1', { costs: dear }), hostAttributes('h2'));
    const model = cluster(state, 'h1', [
      ['web-1', 'web'],
      ['vault-1', 'vault'],
    ]);
    const plan = planDrain(new PlacementStack(), model, { host: 'h1' });
    const costOf = (instance: string, host: string) =>
      costPerHour(state.allocation(instance)!.resources, state.host(host)!);
    const [move] = plan.moves;
    expect(move.costPerHour.before).toBeCloseTo(costOf('web-1', 'h1'), 6);
    expect(move.costPerHour.after).toBeCloseTo(costOf('web-1', 'h2'), 6);
    expect(move.costPerHour.after).toBeLessThan(move.costPerHour.before);
    expect(plan.costPerHour.before).toBeCloseTo(costOf('web-1', 'h1') + costOf('vault-1', 'h1'), 5);
    expect(plan.costPerHour.after).toBeCloseTo(costOf('web-1', 'h2') + costOf('vault-1', 'h1'), 5);
  });

  it('sends every move to the named new host, and blocks what a filter keeps off it with that filter', () => {
    const state = clusterOf(
      hostAttributes('h1'),
      hostAttributes('h2'),
      hostAttributes('new', { layers: ['process'] }),
    );
    const model = cluster(state, 'h1', [
      ['web-1', 'web'],
      ['vm-1', 'vm'],
    ]);
    const plan = planDrain(new PlacementStack(), model, { host: 'h1', with: 'new' });
    expect(plan.with).toBe('new');
    expect(plan.moves.map((m) => [m.instance, m.to])).toEqual([['web-1', 'new']]);
    expect(plan.blocked).toEqual([
      {
        instance: 'vm-1',
        service: 'shop',
        app: 'vm',
        reason: 'new cannot take vm-1: layer (1 host lacked the qemu layer)',
      },
    ]);
  });

  it('names the target of an instance already moving, whose room there is held', () => {
    const state = clusterOf(
      hostAttributes('h1'),
      hostAttributes('h2', { capacity: cpuOnly(600) }),
      hostAttributes('h3', { capacity: cpuOnly(600) }),
    );
    const model = cluster(state, 'h1', [
      ['web-1', 'web'],
      ['web-2', 'web'],
    ]);
    state.reserve({ ...state.allocation('web-1')!, host: 'h3' });
    const plan = planDrain(new PlacementStack(), model, { host: 'h1' });
    expect(plan.moves.map((m) => [m.instance, m.to])).toEqual([
      ['web-1', 'h3'],
      ['web-2', 'h2'],
    ]);
    expect(state.reservationsOn('h3').map((r) => r.instance)).toEqual(['web-1']);
  });

  it('gives the state back as it found it', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const model = cluster(state, 'h1', [
      ['web-1', 'web'],
      ['db-1', 'catalog-db'],
    ]);
    const snapshot = () => ({
      h1: { ...state.host('h1')!.allocated },
      h2: { ...state.host('h2')!.allocated },
      claims: ['web-1', 'db-1'].map((i) => state.allocation(i)),
    });
    const before = snapshot();
    const cost = state.serviceCostPerHour('shop');
    expect(planDrain(new PlacementStack(), model, { host: 'h1' }).moves).toHaveLength(2);
    expect(snapshot()).toEqual(before);
    // The service's running total is a float sum: moving claims out and back may leave ulps.
    expect(state.serviceCostPerHour('shop')).toBeCloseTo(cost, 9);
  });

  it('answers an empty plan for a host without instances', () => {
    const model = cluster(clusterOf(hostAttributes('h1'), hostAttributes('h2')), 'h2', [
      ['web-1', 'web'],
    ]);
    expect(planDrain(new PlacementStack(), model, { host: 'h1' })).toEqual({
      host: 'h1',
      moves: [],
      blocked: [],
      costPerHour: { before: 0, after: 0 },
    });
  });

  it('leaves every claim as it found it, in the order the claims were made', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'), hostAttributes('h3'));
    const model = cluster(state, 'h1', [
      ['db-1', 'catalog-db'],
      ['web-1', 'web'],
    ]);
    state.allocate(allocationOf(requestForApplication(shop, 'web', 'web-2'), 'h2'));
    state.allocate(allocationOf(requestForApplication(shop, 'payment', 'pay-1'), 'h1'));
    const before = state.everyAllocation().map((a) => ({ ...a }));
    const allocated = state.hosts.map((h) => ({ ...h.allocated }));
    const plan = planDrain(new PlacementStack(), model, { host: 'h1' });
    expect(plan.moves).toHaveLength(3);
    expect(state.everyAllocation()).toEqual(before);
    expect(state.hosts.map((h) => h.allocated)).toEqual(allocated);
    expect(planDrain(new PlacementStack(), model, { host: 'h1' })).toEqual(plan);
  });

  describe('refuses bad input naming the field', () => {
    const state = clusterOf(
      hostAttributes('h1'),
      hostAttributes('gone'),
      hostAttributes('dead'),
      hostAttributes('shut'),
    );
    state.setState('gone', 'retired');
    state.setState('dead', 'down');
    state.setCordoned('shut', true);
    const model = cluster(state, 'h1', [['web-1', 'web']]);
    const refusal = (query: { host: string; with?: string }) => {
      try {
        planDrain(new PlacementStack(), model, query);
      } catch (error) {
        const { code, message, details } = error as FederaError;
        return { code, message, details };
      }
      throw new Error('not refused');
    };

    it('an unknown host is not found', () => {
      expect(refusal({ host: 'nowhere' })).toEqual({
        code: 'not_found',
        message: 'no host nowhere',
        details: [{ path: 'host', reason: 'no such host' }],
      });
    });

    it('a replacement equal to the host is invalid', () => {
      expect(refusal({ host: 'h1', with: 'h1' })).toEqual({
        code: 'validation_failed',
        message: 'a host cannot replace itself: must name another host than h1',
        details: [{ path: 'with', reason: 'must name another host than h1' }],
      });
    });

    it('an unknown, retired, down or cordoned replacement is a conflict', () => {
      expect(refusal({ host: 'h1', with: 'nowhere' })).toEqual({
        code: 'conflict',
        message:
          'nowhere cannot replace h1: host nowhere is not registered; the new host must be ready and take placements',
        details: [{ path: 'with', reason: 'host nowhere is not registered' }],
      });
      expect(refusal({ host: 'h1', with: 'gone' }).details).toEqual([
        { path: 'with', reason: 'host gone is retired' },
      ]);
      expect(refusal({ host: 'h1', with: 'dead' }).details).toEqual([
        { path: 'with', reason: 'host dead is down' },
      ]);
      expect(refusal({ host: 'h1', with: 'shut' }).details).toEqual([
        { path: 'with', reason: 'host shut is cordoned' },
      ]);
    });
  });
});
