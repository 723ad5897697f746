import {
  parsePayload,
  ServiceSpec,
  type AgentCommand,
  type AgentCommandAccepted,
} from '@federa/contracts';
import { evolveService, initialServiceState, type ServiceEvent } from '../domain/service-decider';
import { SupervisionView } from '../domain/supervision-view';
import type { InstanceView } from '../domain/instance-view';
import { ServiceProbeRunner } from './service-probe-runner';

const spec = parsePayload(ServiceSpec, {
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name: 'shop' },
  spec: {
    applications: [
      {
        name: 'web',
        layer: 'process',
        artifact: { command: ['node', 'web.js'] },
        resources: { cpu: '100m', memory: '64Mi' },
        replicas: { min: 2, max: 2 },
      },
    ],
    serviceProbe: {
      application: 'web',
      http: { path: '/checkout/health' },
      intervalMs: 1000,
      failureThreshold: 2,
    },
  },
});

function web(id: string, state: InstanceView['state'], host = 'h1'): InstanceView {
  return {
    id,
    service: 'shop',
    app: 'web',
    layer: 'process',
    host,
    state,
    since: new Date(0).toISOString(),
    revision: 1,
    endpoint: { address: '127.0.0.1', port: 8000 + id.length },
  };
}

/** A view of a deployed shop, an agent answering probes as told, and what the runner tells health. */
function fixture() {
  const view = new SupervisionView();
  const events: ServiceEvent[] = [
    { type: 'ServiceDefined', data: { service: 'shop', spec, revision: 1 } },
    { type: 'ServiceDeployStarted', data: { service: 'shop', revision: 1, startOrder: ['web'] } },
  ];
  view.services.set('shop', events.reduce(evolveService, initialServiceState('shop')));
  view.hosts.set('h1', { id: 'h1', epoch: 4, down: false });
  view.hosts.set('h2', { id: 'h2', epoch: 9, down: false });
  view.instances.set('shop-web-b', web('shop-web-b', 'healthy', 'h2'));
  view.instances.set('shop-web-a', web('shop-web-a', 'starting', 'h1'));
  const sent: Array<{ host: string; command: AgentCommand }> = [];
  const changes: string[] = [];
  let answer: AgentCommandAccepted['probe'] | Error = { healthy: true, state: 'running' };
  let clock = 10_000;
  const runner = new ServiceProbeRunner({
    view,
    link: {
      send: (host, command) => {
        sent.push({ host, command });
        if (answer instanceof Error) return Promise.reject(answer);
        return Promise.resolve({ accepted: true, probe: answer });
      },
    },
    isLeader: () => true,
    changed: (service) => changes.push(service),
    warn: () => undefined,
    now: () => clock,
  });
  const probe = view.services.get('shop')!.deployed!.serviceProbe!;
  return {
    view,
    runner,
    sent,
    changes,
    probeOnce: async (next: AgentCommandAccepted['probe'] | Error) => {
      answer = next;
      clock += 1000;
      await runner.probe('shop', probe);
    },
    standing: () => runner.standingOf('shop', view.services.get('shop')!),
    /** Folds events into the shop's state, as the view does when it applies them. */
    record: (...more: ServiceEvent[]) =>
      view.services.set('shop', more.reduce(evolveService, view.services.get('shop')!)),
    advance: (ms: number) => (clock += ms),
    setAnswer: (next: AgentCommandAccepted['probe'] | Error) => (answer = next),
  };
}

describe('the service probe runner', () => {
  it("asks the agent of a serving instance of the probe's application, fenced with its host's epoch", async () => {
    const f = fixture();
    await f.probeOnce({ healthy: true, state: 'running' });
    expect(f.sent).toEqual([
      {
        host: 'h2',
        command: expect.objectContaining({
          type: 'probe-http',
          instance: 'shop-web-b',
          epoch: 9,
          path: '/checkout/health',
          timeoutMs: 2000,
        }),
      },
    ]);
    expect(f.standing()).toMatchObject({ application: 'web', result: 'passed' });
    expect(f.changes).toEqual(['shop']);
  });

  it('tells health of a failure at the threshold, and of the pass after it, and of nothing in between', async () => {
    const f = fixture();
    await f.probeOnce({ healthy: true, state: 'running' });
    const failing = {
      healthy: false,
      detail: 'GET /checkout/health answered 503',
      state: 'running',
    };
    await f.probeOnce(failing);
    expect(f.changes).toEqual(['shop']);
    await f.probeOnce(failing);
    await f.probeOnce(failing);
    expect(f.changes).toEqual(['shop', 'shop']);
    expect(f.standing()).toMatchObject({
      result: 'failed',
      reason: 'GET /checkout/health answered 503 (shop-web-b)',
    });
    await f.probeOnce({ healthy: true, state: 'running' });
    expect(f.changes).toEqual(['shop', 'shop', 'shop']);
    expect(f.standing()).toMatchObject({ result: 'passed' });
  });

  it('counts an agent that does not answer as a failed probe', async () => {
    const f = fixture();
    await f.probeOnce(new Error('agent h2 did not answer probe-http: TIMEOUT'));
    await f.probeOnce(new Error('agent h2 did not answer probe-http: TIMEOUT'));
    expect(f.standing()).toMatchObject({
      result: 'failed',
      reason: 'agent h2 did not answer probe-http: TIMEOUT',
    });
  });

  it('probes nothing while no instance of the application serves, and stays pending', async () => {
    const f = fixture();
    f.view.instances.set('shop-web-b', web('shop-web-b', 'unhealthy', 'h2'));
    await f.probeOnce({ healthy: true, state: 'running' });
    expect(f.sent).toEqual([]);
    expect(f.standing()).toEqual({ application: 'web', result: 'pending' });
  });
});

describe('the service probe after the serving set changes', () => {
  const passed = { healthy: true, state: 'running' };

  it('forgets a pass once a serving instance is replaced, until a probe after the change passes', async () => {
    const f = fixture();
    await f.probeOnce(passed);
    const before = f.standing();
    expect(before).toMatchObject({ result: 'passed' });
    f.record({
      type: 'ServiceAvailable',
      data: {
        service: 'shop',
        revision: 1,
        probe: { result: 'passed', at: before!.at! },
      },
    });
    // The instance is replaced: the service is degraded meanwhile (health's own reason).
    f.record({
      type: 'ServiceDegraded',
      data: { service: 'shop', apps: [{ app: 'web', desired: 2, healthy: 0 }] },
    });
    f.advance(500);
    f.view.instances.delete('shop-web-b');
    f.view.instances.set('shop-web-c', { ...web('shop-web-c', 'healthy', 'h2') });
    expect(f.standing()).toEqual({ application: 'web', result: 'pending' });
    expect(f.changes).toEqual(['shop', 'shop']);
    await f.probeOnce(passed);
    const after = f.standing();
    expect(after).toMatchObject({ result: 'passed' });
    expect(Date.parse(after!.at!)).toBeGreaterThan(Date.parse(before!.at!));
  });

  it('does not count a pass begun before the serving set changed', async () => {
    const f = fixture();
    const probe = f.view.services.get('shop')!.deployed!.serviceProbe!;
    f.standing();
    let release: (value: unknown) => void = () => undefined;
    const held = new Promise((resolve) => (release = resolve));
    const runner = new ServiceProbeRunner({
      view: f.view,
      link: { send: () => held },
      isLeader: () => true,
      changed: () => undefined,
      warn: () => undefined,
      now: () => f.advance(0),
    });
    runner.standingOf('shop', f.view.services.get('shop')!);
    const inFlight = runner.probe('shop', probe);
    f.advance(100);
    f.view.instances.set('shop-web-a', web('shop-web-a', 'healthy', 'h1'));
    release({ accepted: true, probe: passed });
    await inFlight;
    expect(runner.standingOf('shop', f.view.services.get('shop')!)).toEqual({
      application: 'web',
      result: 'pending',
    });
  });

  it('forgets the recorded pass when the service is deployed again', () => {
    const f = fixture();
    f.record(
      {
        type: 'ServiceAvailable',
        data: {
          service: 'shop',
          revision: 1,
          probe: { result: 'passed', at: '1970-01-01T00:00:10Z' },
        },
      },
      { type: 'ServiceUpdated', data: { service: 'shop', spec, revision: 2, changedApps: [] } },
      { type: 'ServiceDeployStarted', data: { service: 'shop', revision: 2, startOrder: ['web'] } },
    );
    expect(f.standing()).toEqual({ application: 'web', result: 'pending' });
  });
});

describe('the service probe runner on its timer', () => {
  it('asks again at its next tick, not an interval later, when no instance served yet', async () => {
    const view = new SupervisionView();
    const events: ServiceEvent[] = [
      { type: 'ServiceDefined', data: { service: 'shop', spec, revision: 1 } },
      { type: 'ServiceDeployStarted', data: { service: 'shop', revision: 1, startOrder: ['web'] } },
    ];
    view.services.set('shop', events.reduce(evolveService, initialServiceState('shop')));
    view.hosts.set('h1', { id: 'h1', epoch: 1, down: false });
    view.instances.set('shop-web-a', web('shop-web-a', 'starting'));
    const sent: string[] = [];
    const clock = 5_000;
    const runner = new ServiceProbeRunner({
      view,
      link: {
        send: (_host, command) => {
          sent.push(command.type);
          return Promise.resolve({ probe: { healthy: true, state: 'running' } });
        },
      },
      isLeader: () => true,
      changed: () => undefined,
      warn: () => undefined,
      now: () => clock,
    });
    runner.tick();
    await runner.stop();
    expect(sent).toEqual([]);
    view.instances.set('shop-web-a', web('shop-web-a', 'healthy'));
    runner.tick();
    await runner.stop();
    expect(sent).toEqual(['probe-http']);
    // Probed now: the next one waits for its interval even at the same instant.
    runner.tick();
    await runner.stop();
    expect(sent).toEqual(['probe-http']);
  });
});
