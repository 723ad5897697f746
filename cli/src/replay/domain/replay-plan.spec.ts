import { RecordedLog, serviceSpec } from './recorded-events.fixture';
import { commandStepOf, planReplay } from './replay-plan';

describe('planReplay', () => {
  it('re-drives each user command as its REST call, in recorded order and pacing', () => {
    const log = new RecordedLog()
      .host('h1')
      .host('h2')
      .byUser('ServiceDefined', 'service-shop', {
        service: 'shop',
        spec: serviceSpec('shop'),
        revision: 1,
      })
      .byUser('ServiceDeployStarted', 'service-shop', {
        service: 'shop',
        revision: 1,
        startOrder: ['web'],
      })
      .add('ServiceAvailable', 'service-shop', { service: 'shop', revision: 1 })
      .byUser('HostDrainStarted', 'host-h2', { host: 'h2', instances: [] })
      .byUser('ServiceStopStarted', 'service-shop', { service: 'shop', stopOrder: ['web'] });
    const plan = planReplay(log.events);
    expect(plan.hosts.map((h) => h.config.host)).toEqual(['h1', 'h2']);
    expect(plan.hosts[0].capacity.cpuMillis).toBe(4000);
    expect(plan.steps.map((s) => [s.atMs, s.kind === 'call' && `${s.method} ${s.path}`])).toEqual([
      [0, 'PUT /v1/services/shop'],
      [1000, 'POST /v1/services/shop/deploy'],
      [3000, 'POST /v1/hosts/h2/drain'],
      [4000, 'POST /v1/services/shop/stop'],
    ]);
    expect(plan.steps[0]).toMatchObject({ body: serviceSpec('shop'), position: 3 });
  });

  it('defines each service without the service probe its simulated workloads cannot answer, saying so once', () => {
    const probed = serviceSpec('shop');
    const withProbe = {
      ...probed,
      spec: { ...probed.spec, serviceProbe: { application: 'web', http: { path: '/health' } } },
    };
    const log = new RecordedLog()
      .host('h1')
      .byUser('ServiceDefined', 'service-shop', { service: 'shop', spec: withProbe, revision: 1 })
      .byUser('ServiceUpdated', 'service-shop', {
        service: 'shop',
        spec: withProbe,
        revision: 2,
        changedApps: [],
      });
    const plan = planReplay(log.events);
    expect(plan.steps.map((s) => s.kind === 'call' && s.body)).toEqual([probed, probed]);
    expect(plan.rewrites).toEqual([
      'replay: shop: service probe dropped: its workloads are simulated',
    ]);
  });

  it('leaves out what a command caused and what services decided themselves', () => {
    const log = new RecordedLog()
      .add('ServiceDeployStarted', 'service-a', { service: 'a', revision: 2, startOrder: [] })
      .add(
        'HostCordoned',
        'host-h1',
        { host: 'h1' },
        { actor: 'token:admin', causationId: '00000000-0000-4000-8000-000000000001' },
      );
    expect(planReplay(log.events).steps).toEqual([]);
  });

  it('kills the simulated agent of a host that died and revives it when it registered again', () => {
    const log = new RecordedLog()
      .host('h1')
      .add('HostDown', 'host-h1', { host: 'h1', reason: 'silent', instances: [], cause: 'dead' })
      .host('h1');
    expect(planReplay(log.events).steps.map((s) => s.kind === 'fault' && s.fault)).toEqual([
      'kill',
      'revive',
    ]);
  });

  it('fails an instance of the same application where its agent reported one failed', () => {
    const log = new RecordedLog().host('h1').instance('shop-web-000001', 'shop', 'web').add(
      'InstanceFailed',
      'instance-shop-web-000001',
      { instance: 'shop-web-000001', reason: 'exited' },
      {
        actor: 'agent:h1',
      },
    );
    expect(planReplay(log.events).steps).toMatchObject([
      { kind: 'fail-instance', host: 'h1', service: 'shop', app: 'web', type: 'InstanceFailed' },
    ]);
  });

  it('maps a replacement, a retirement and a requested move; a drain moves nothing by itself', () => {
    const one = (type: string, data: Record<string, unknown>) =>
      commandStepOf(new RecordedLog().byUser(type, `host-h1`, data).events[0]);
    expect(one('HostDrainStarted', { host: 'h1', instances: [], replaceWith: 'h9' })).toMatchObject(
      {
        path: '/v1/hosts/h1/replace',
        body: { with: 'h9' },
      },
    );
    expect(one('HostRetired', { host: 'h1', forced: true })).toMatchObject({
      method: 'DELETE',
      path: '/v1/hosts/h1?force=true',
    });
    const move = { service: 's', app: 'a', from: 'h1', to: 'h2', live: false };
    expect(one('MigrationStarted', { ...move, reason: 'requested' })).toMatchObject({
      kind: 'migrate',
      ...move,
    });
    expect(one('MigrationStarted', { ...move, reason: 'drain' })).toBeUndefined();
  });

  it('drives a replace of an empty host once, not its retirement in the same append as a DELETE too', () => {
    const command = { actor: 'token:admin', correlationId: 'replace-1' };
    const log = new RecordedLog()
      .host('h1')
      .add('HostDrainStarted', 'host-h1', { host: 'h1', instances: [], replaceWith: 'h9' }, command)
      .add('HostDrained', 'host-h1', { host: 'h1' }, command)
      .add('HostRetired', 'host-h1', { host: 'h1', forced: false }, command)
      .byUser('HostRetired', 'host-h2', { host: 'h2', forced: false });
    expect(planReplay(log.events).steps.map((s) => s.kind === 'call' && s.path)).toEqual([
      '/v1/hosts/h1/replace',
      '/v1/hosts/h2?force=false',
    ]);
  });

  it('does not re-drive a requested move the recording shows refused, and keeps the recorded mode', () => {
    const move = { instance: 'shop-web-000001', service: 'shop', app: 'web', from: 'h1', to: 'h2' };
    const log = new RecordedLog()
      .byUser('MigrationStarted', 'migration-m1', {
        migration: 'm1',
        ...move,
        live: false,
        reason: 'requested',
      })
      .add('MigrationFailed', 'migration-m1', {
        migration: 'm1',
        instance: move.instance,
        reason: 'cannot be moved now',
      })
      .byUser('MigrationStarted', 'migration-m2', {
        migration: 'm2',
        ...move,
        live: false,
        reason: 'requested',
      })
      .add('MigrationPhaseStarted', 'migration-m2', {
        migration: 'm2',
        instance: move.instance,
        phase: 'export',
        startedAt: '2026-01-01T00:00:00Z',
      })
      .add('MigrationFailed', 'migration-m2', {
        migration: 'm2',
        instance: move.instance,
        reason: 'export failed',
      });
    expect(planReplay(log.events).steps).toMatchObject([
      { kind: 'migrate', streamId: 'migration-m2', live: false },
    ]);
  });
});
