import { currentSchemaVersion, parsePayload, ServiceSpec, validateEvent } from '@federa/contracts';
import type { InstanceView } from './instance-view';
import {
  decideService,
  evolveService,
  initialServiceState,
  type ServiceEvent,
  type ServiceState,
} from './service-decider';
import { assessServiceHealth, type ServiceProbeStanding } from './service-health';
import { serviceSummary } from './service-summary';

let next = 0;
function instance(app: string, state: InstanceView['state']): InstanceView {
  next += 1;
  return {
    id: `shop-${app}-${next}`,
    service: 'shop',
    app,
    layer: 'process',
    host: 'h1',
    state,
    since: new Date(1_000_000).toISOString(),
    revision: 1,
  };
}

const targets = [
  { name: 'db', min: 1, desired: 1 },
  { name: 'web', min: 1, desired: 1 },
];
const allHealthy = [instance('db', 'healthy'), instance('web', 'healthy')];
const at = new Date(2_000_000).toISOString();
const passed: ServiceProbeStanding = { application: 'web', result: 'passed', at };
const failed: ServiceProbeStanding = {
  application: 'web',
  result: 'failed',
  at,
  reason: 'GET /checkout/health answered 503: payment unreachable',
};

describe('service health with a service probe', () => {
  it('is available when every application is healthy and the probe last passed', () => {
    const health = assessServiceHealth(targets, allHealthy, passed);
    expect(health.state).toBe('available');
    expect(health.applications.every((a) => a.reason === undefined)).toBe(true);
  });

  it("is degraded when the probe failed, the probe's application saying why", () => {
    const health = assessServiceHealth(targets, allHealthy, failed);
    expect(health.state).toBe('degraded');
    expect(health.applications[1]).toEqual({
      name: 'web',
      desired: 1,
      min: 1,
      healthy: 1,
      reason: 'service probe failed: GET /checkout/health answered 503: payment unreachable',
    });
  });

  it('is not available before the probe has passed once', () => {
    const health = assessServiceHealth(targets, allHealthy, {
      application: 'web',
      result: 'pending',
    });
    expect(health.state).toBe('degraded');
    expect(health.applications[1].reason).toBe('service probe has not passed yet');
  });

  it("keeps a short application's own reason, and stays failed when an application failed", () => {
    const short = assessServiceHealth(targets, [instance('db', 'healthy')], failed);
    expect(short.applications[1].reason).toMatch(/^0 of 1 healthy/);
    const db = (state: InstanceView['state']) => ({ ...instance('db', state), stranded: true });
    const stranded = assessServiceHealth(
      targets,
      [db('healthy'), instance('web', 'healthy')],
      failed,
    );
    expect(stranded.state).toBe('failed');
  });

  it('is what it was without a declared probe', () => {
    expect(assessServiceHealth(targets, allHealthy)).toEqual({
      state: 'available',
      applications: [
        { name: 'db', desired: 1, min: 1, healthy: 1 },
        { name: 'web', desired: 1, min: 1, healthy: 1 },
      ],
    });
  });
});

function probedShop(): ServiceSpec {
  return parsePayload(ServiceSpec, {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'shop' },
    spec: {
      applications: [
        {
          name: 'db',
          layer: 'process',
          artifact: { command: ['node', 'db.js'] },
          resources: { cpu: '100m', memory: '64Mi' },
        },
        {
          name: 'web',
          layer: 'process',
          artifact: { command: ['node', 'web.js'] },
          resources: { cpu: '100m', memory: '64Mi' },
          dependsOn: ['db'],
        },
      ],
      serviceProbe: { application: 'web', http: { path: '/checkout/health' } },
    },
  });
}

function fold(events: ServiceEvent[]): ServiceState {
  return events.reduce(evolveService, initialServiceState('shop'));
}

function record(state: ServiceState, probe: ServiceProbeStanding): ServiceEvent[] {
  const health = assessServiceHealth(targets, allHealthy, probe);
  const events = decideService({ type: 'record-health', health }, state);
  for (const event of events) {
    expect(validateEvent(event.type, currentSchemaVersion(event.type)!, event.data)).toEqual([]);
  }
  return events;
}

describe('recording the service probe', () => {
  const deployed: ServiceEvent[] = [
    { type: 'ServiceDefined', data: { service: 'shop', spec: probedShop(), revision: 1 } },
    {
      type: 'ServiceDeployStarted',
      data: { service: 'shop', revision: 1, startOrder: ['db', 'web'] },
    },
  ];

  it('records available with the passing probe, degraded with the failing one, and each only once', () => {
    const available = record(fold(deployed), passed);
    expect(available).toEqual([
      {
        type: 'ServiceAvailable',
        data: { service: 'shop', revision: 1, probe: { result: 'passed', at } },
      },
    ]);
    const afterPass = fold([...deployed, ...available]);
    expect(record(afterPass, passed)).toEqual([]);

    const degraded = record(afterPass, failed);
    expect(degraded).toEqual([
      {
        type: 'ServiceDegraded',
        data: {
          service: 'shop',
          apps: [
            {
              app: 'web',
              desired: 1,
              healthy: 1,
              reason:
                'service probe failed: GET /checkout/health answered 503: payment unreachable',
            },
          ],
          probe: { result: 'failed', at, reason: failed.reason },
        },
      },
    ]);
    const afterFail = fold([...deployed, ...available, ...degraded]);
    expect(afterFail.probe).toEqual({ result: 'failed', at, reason: failed.reason });
    expect(record(afterFail, failed)).toEqual([]);
  });

  it('leaves a deploy in progress until the probe passes, but records a failing probe at once', () => {
    expect(record(fold(deployed), { application: 'web', result: 'pending' })).toEqual([]);
    const failing = record(fold(deployed), failed);
    expect(failing.map((e) => e.type)).toEqual(['ServiceDegraded']);
    expect(fold([...deployed, ...failing])).toMatchObject({
      status: 'degraded',
      probe: { result: 'failed', reason: failed.reason },
    });
  });

  it('shows the probe in the summary: pending, then its last result, time and reason', () => {
    const running = fold(deployed);
    expect(serviceSummary(running, allHealthy).probe).toEqual({
      application: 'web',
      path: '/checkout/health',
      lastResult: 'pending',
    });
    const failing = fold([
      ...deployed,
      ...record(running, passed),
      ...record(fold([...deployed, ...record(running, passed)]), failed),
    ]);
    const summary = serviceSummary(failing, allHealthy);
    expect(summary.state).toBe('degraded');
    expect(summary.probe).toEqual({
      application: 'web',
      path: '/checkout/health',
      lastResult: 'failed',
      lastAt: at,
      reason: failed.reason,
    });
    expect(summary.applications.find((a) => a.name === 'web')?.reason).toBe(
      `service probe failed: ${failed.reason}`,
    );
  });

  it('records a new probe result while its application, short of instances, keeps the service degraded', () => {
    // web wants two and has one: its own reason ("1 of 2") hides the probe's.
    const webShort = [
      { name: 'db', min: 1, desired: 1 },
      { name: 'web', min: 2, desired: 2 },
    ];
    const assess = (state: ServiceState, probe: ServiceProbeStanding) =>
      decideService(
        { type: 'record-health', health: assessServiceHealth(webShort, allHealthy, probe) },
        state,
      );
    const afterPass = fold([...deployed, ...record(fold(deployed), passed)]);
    const short = assess(afterPass, passed);
    expect(short.map((e) => e.type)).toEqual(['ServiceDegraded']);
    const stillShort = fold([...deployed, ...record(fold(deployed), passed), ...short]);
    expect(assess(stillShort, passed)).toEqual([]);
    // The apps say the same (web short), the probe now fails: recorded, and describe shows it.
    const probeFailed = assess(stillShort, failed);
    expect(probeFailed).toEqual([
      expect.objectContaining({
        type: 'ServiceDegraded',
        data: expect.objectContaining({ probe: { result: 'failed', at, reason: failed.reason } }),
      }),
    ]);
    const now = fold([...deployed, ...record(fold(deployed), passed), ...short, ...probeFailed]);
    expect(serviceSummary(now, allHealthy).probe).toMatchObject({ lastResult: 'failed' });
    expect(assess(now, failed)).toEqual([]);
  });

  it('forgets the result when the service stops', () => {
    const stopped = fold([
      ...deployed,
      ...record(fold(deployed), passed),
      { type: 'ServiceStopStarted', data: { service: 'shop', stopOrder: ['web', 'db'] } },
    ]);
    expect(stopped.probe).toBeUndefined();
  });
});
