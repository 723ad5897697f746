import { ClusterState } from './cluster-state';
import { foldClusterEvent, type ClusterModel, type FoldableEvent } from './cluster-fold';
import { ServiceCatalog } from './service-catalog';

const GiB = 1024 ** 3;
let position = 0;

function event(type: string, data: object, streamVersion = 1): FoldableEvent {
  position += 1;
  return { type, data, streamId: `x-${position}`, streamVersion, position };
}

function registered(host: string) {
  return event('HostRegistered', {
    host,
    site: 'geneva',
    securityLevel: 2,
    layers: ['process'],
    capacity: { cpuMillis: 4000, memoryBytes: 8 * GiB, storageBytes: 100 * GiB, bandwidthBps: 1e9 },
    costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
    features: { ups: true, raid: false },
    epoch: 3,
  });
}

function reserved(host: string, instance: string, version: number) {
  return event(
    'HostAllocationChanged',
    {
      host,
      instance,
      service: 'shop',
      app: 'web',
      change: 'reserved',
      resources: { cpuMillis: 500, memoryBytes: GiB, storageBytes: 0, bandwidthBps: 0 },
      allocated: { cpuMillis: 500, memoryBytes: GiB, storageBytes: 0, bandwidthBps: 0 },
    },
    version,
  );
}

function model(): ClusterModel {
  return { state: new ClusterState(), catalog: new ServiceCatalog() };
}

describe('folding the log into the cluster state', () => {
  it('keeps a draining host out of placement through a flap of heartbeats and a re-registration', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-9'));
    foldClusterEvent(m, event('HostDrainStarted', { host: 'mph-9', instances: [] }));
    foldClusterEvent(m, event('HostSuspected', { host: 'mph-9', silentForMs: 500 }));
    foldClusterEvent(m, event('HostRecovered', { host: 'mph-9', epoch: 3 }));
    expect(m.state.host('mph-9')!.state).toBe('draining');
    foldClusterEvent(m, registered('mph-9'));
    expect(m.state.host('mph-9')!.state).toBe('draining');
    foldClusterEvent(m, event('HostDrained', { host: 'mph-9', evacuated: [], notRelocatable: [] }));
    expect(m.state.host('mph-9')!.state).toBe('drained');
  });

  it('gives a drained or draining host back to placement when an uncordon ends its drain', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-9'));
    foldClusterEvent(m, event('HostCordoned', { host: 'mph-9' }));
    foldClusterEvent(m, event('HostDrainStarted', { host: 'mph-9', instances: [] }));
    foldClusterEvent(m, event('HostDrained', { host: 'mph-9', evacuated: [], notRelocatable: [] }));
    foldClusterEvent(m, event('HostUncordoned', { host: 'mph-9', drainEnded: true }));
    expect(m.state.host('mph-9')).toMatchObject({ state: 'ready', cordoned: false });
    foldClusterEvent(m, event('HostDrainStarted', { host: 'mph-9', instances: [] }));
    foldClusterEvent(m, event('HostUncordoned', { host: 'mph-9', drainEnded: true }));
    expect(m.state.host('mph-9')!.state).toBe('ready');
  });

  it('keeps a host that went down while draining down once its drain is ended', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-9'));
    foldClusterEvent(m, event('HostDrainStarted', { host: 'mph-9', instances: [] }));
    foldClusterEvent(m, event('HostDown', { host: 'mph-9', reason: 'silent', instances: [] }));
    foldClusterEvent(m, event('HostUncordoned', { host: 'mph-9', drainEnded: true }));
    expect(m.state.host('mph-9')!.state).toBe('down');
    foldClusterEvent(m, event('HostRecovered', { host: 'mph-9', epoch: 4 }));
    expect(m.state.host('mph-9')!.state).toBe('ready');
  });

  it('leaves a draining host draining on an uncordon that does not end the drain', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-9'));
    foldClusterEvent(m, event('HostDrainStarted', { host: 'mph-9', instances: [] }));
    foldClusterEvent(m, event('HostUncordoned', { host: 'mph-9' }));
    expect(m.state.host('mph-9')!.state).toBe('draining');
  });

  it('registers hosts with their capacity, epoch and features', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-1'));
    const host = m.state.host('mph-1')!;
    expect(host).toMatchObject({
      site: 'geneva',
      securityLevel: 2,
      epoch: 3,
      state: 'ready',
      features: { ups: true, raid: false },
    });
    expect(host.capacity.cpu).toBe(4000);
  });

  it('follows the host life cycle: down, recovered, cordoned, draining, retired', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-1'));
    foldClusterEvent(m, event('HostDown', { host: 'mph-1', reason: 'silent', instances: [] }));
    expect(m.state.host('mph-1')!.state).toBe('down');
    foldClusterEvent(m, event('HostRecovered', { host: 'mph-1', epoch: 4 }));
    expect(m.state.host('mph-1')).toMatchObject({ state: 'ready', epoch: 4 });
    foldClusterEvent(m, event('HostCordoned', { host: 'mph-1' }));
    expect(m.state.host('mph-1')!.cordoned).toBe(true);
    foldClusterEvent(m, event('HostUncordoned', { host: 'mph-1' }));
    expect(m.state.host('mph-1')!.cordoned).toBe(false);
    foldClusterEvent(m, event('HostDrainStarted', { host: 'mph-1', instances: [] }));
    expect(m.state.host('mph-1')!.state).toBe('draining');
    foldClusterEvent(m, event('HostRetired', { host: 'mph-1' }));
    expect(m.state.host('mph-1')!.state).toBe('retired');
  });

  it('counts reservations, tracks the ledger version and releases stopped instances', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-1'));
    const first = reserved('mph-1', 'w1', 1);
    foldClusterEvent(m, first);
    foldClusterEvent(m, reserved('mph-1', 'w2', 2));
    expect(m.state.host('mph-1')!.allocated.cpu).toBe(1000);
    expect(m.state.host('mph-1')!.allocationVersion).toBe(2);
    foldClusterEvent(m, first);
    expect(m.state.host('mph-1')!.allocated.cpu).toBe(1000);
    foldClusterEvent(
      m,
      event('InstanceStopped', { service: 'shop', app: 'web', instance: 'w1', reason: 'scale-in' }),
    );
    expect(m.state.allocation('w1')).toBeUndefined();
    expect(m.state.host('mph-1')!.allocated.cpu).toBe(500);
  });

  it('takes anti-affinity of reservations learnt from the log from the service’s spec', () => {
    const m = model();
    foldClusterEvent(m, registered('mph-1'));
    foldClusterEvent(
      m,
      event('ServiceDefined', {
        service: 'shop',
        revision: 1,
        spec: {
          apiVersion: 'federa/v1',
          kind: 'Service',
          metadata: { name: 'shop' },
          spec: {
            applications: [
              {
                name: 'web',
                layer: 'process',
                artifact: { command: ['node'] },
                resources: { cpu: '500m', memory: '1Gi' },
              },
            ],
            rules: [{ antiAffinity: ['web'] }],
          },
        },
      }),
    );
    foldClusterEvent(m, reserved('mph-1', 'w1', 1));
    expect(m.state.exclusionsOf('mph-1', 'shop/web')).toBe(1);
  });

  describe('a migration holds its target’s room until it ends', () => {
    const ref = { migration: 'mig-1', instance: 'w1' };
    const started = () =>
      event('MigrationStarted', {
        ...ref,
        service: 'shop',
        app: 'web',
        from: 'mph-1',
        to: 'mph-2',
        live: false,
        reason: 'requested',
        stateful: true,
      });
    const relocated = (host: string) =>
      event('InstanceRelocated', { ...ref, service: 'shop', app: 'web', host, from: 'mph-1' });

    function moving(): ClusterModel {
      const m = model();
      foldClusterEvent(m, registered('mph-1'));
      foldClusterEvent(m, registered('mph-2'));
      foldClusterEvent(m, reserved('mph-1', 'w1', 1));
      foldClusterEvent(m, started());
      return m;
    }

    it('counts the moving instance on its target as well as on its source once it starts', () => {
      const m = moving();
      expect(m.state.host('mph-1')!.allocated.cpu).toBe(500);
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      expect(m.state.appCountOnHost('mph-2', 'shop/web')).toBe(1);
      expect(m.state.allocation('w1')!.host).toBe('mph-1');
    });

    it('counts it only on the target once it completed', () => {
      const m = moving();
      foldClusterEvent(m, relocated('mph-2'));
      expect(m.state.host('mph-1')!.allocated.cpu).toBe(0);
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      foldClusterEvent(m, event('MigrationCompleted', { ...ref, from: 'mph-1', to: 'mph-2' }));
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      expect(m.state.allocation('w1')!.host).toBe('mph-2');
      expect(m.state.reservation('w1')).toBeUndefined();
    });

    it('counts it only on the source once it was rolled back', () => {
      const m = moving();
      foldClusterEvent(m, relocated('mph-1'));
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      foldClusterEvent(
        m,
        event('MigrationRolledBack', { ...ref, host: 'mph-1', reason: 'import: failed' }),
      );
      expect(m.state.host('mph-1')!.allocated.cpu).toBe(500);
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(0);
      expect(m.state.appCountOnHost('mph-2', 'shop/web')).toBe(0);
    });

    it('gives the target’s room back when it failed', () => {
      const m = moving();
      foldClusterEvent(
        m,
        event('MigrationFailed', { ...ref, phase: 'import', reason: 'source gone' }),
      );
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(0);
      expect(m.state.allocation('w1')!.host).toBe('mph-1');
    });

    it('keeps the room one migration holds when another recorded for the same instance fails', () => {
      const m = moving();
      foldClusterEvent(
        m,
        event('MigrationStarted', { ...(started().data as object), migration: 'mig-2' }),
      );
      foldClusterEvent(
        m,
        event('MigrationFailed', {
          migration: 'mig-2',
          instance: 'w1',
          phase: 'choose-target',
          reason: 'instance w1 is already moving (migration mig-1)',
        }),
      );
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      expect(m.state.reservation('w1')).toMatchObject({ host: 'mph-2' });
      foldClusterEvent(m, relocated('mph-2'));
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      expect(m.state.reservation('w1')).toBeUndefined();
    });

    it('holds the room once however often the start is folded, and not its cost twice', () => {
      const m = moving();
      const cost = m.state.serviceCostPerHour('shop');
      const again = started();
      foldClusterEvent(m, again);
      foldClusterEvent(m, again);
      expect(m.state.host('mph-2')!.allocated.cpu).toBe(500);
      expect(m.state.serviceCostPerHour('shop')).toBe(cost);
      expect(m.state.instancesOf('shop/web')).toBe(1);
    });
  });
});
