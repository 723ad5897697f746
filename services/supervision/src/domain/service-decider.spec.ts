import { currentSchemaVersion, FederaError, validateEvent } from '@federa/contracts';
import { DeciderSpecification } from '@federa/testing';
import {
  evolveService,
  initialServiceState,
  serviceDecider,
  type ServiceEvent,
} from './service-decider';
import type { ServiceHealth } from './service-health';
import { shopSpec } from '../testing/shop-spec.fixture';

/** Every event the decider produces, in every case below, is one the contracts registry accepts. */
function acceptedByTheContract(event: ServiceEvent): void {
  const errors = validateEvent(event.type, currentSchemaVersion(event.type)!, event.data);
  expect([event.type, errors]).toEqual([event.type, []]);
}

const spec = DeciderSpecification.for(serviceDecider, { checkEvent: acceptedByTheContract });
const service = 'shop';

const defined: ServiceEvent = {
  type: 'ServiceDefined',
  data: { service, spec: shopSpec(), revision: 1 },
};
const deployStarted = (revision = 1): ServiceEvent => ({
  type: 'ServiceDeployStarted',
  data: { service, revision, startOrder: ['db', 'payment', 'web'] },
});
/** A shop defined and deployed, not yet reported healthy. */
const deployed = [defined, deployStarted()];
const available: ServiceEvent = { type: 'ServiceAvailable', data: { service, revision: 1 } };
const stopStarted: ServiceEvent = {
  type: 'ServiceStopStarted',
  data: { service, stopOrder: ['web', 'payment', 'db'] },
};
const deleted: ServiceEvent = { type: 'ServiceDeleted', data: { service } };

const healthAvailable: ServiceHealth = { state: 'available', applications: [] };
const healthDegraded = (healthy: number): ServiceHealth => ({
  state: 'degraded',
  applications: [{ name: 'web', desired: 2, min: 2, healthy, reason: `${healthy} of 2 healthy` }],
});
const degraded = (healthy: number): ServiceEvent => ({
  type: 'ServiceDegraded',
  data: {
    service,
    apps: [{ app: 'web', desired: 2, healthy, reason: `${healthy} of 2 healthy` }],
  },
});

const withCode = (code: string) => (error: unknown) =>
  error instanceof FederaError && error.code === code;

describe('the service decider', () => {
  it('defines a new service at revision 1, then records an update with the changed applications', () => {
    spec
      .given([])
      .when({ type: 'apply', spec: shopSpec() })
      .then([defined])
      .andState((state) => expect(state).toMatchObject({ status: 'defined', revision: 1 }));
    spec
      .given([defined])
      .when({ type: 'apply', spec: shopSpec({ webCpu: '1' }) })
      .then([
        expect.objectContaining({
          type: 'ServiceUpdated',
          data: expect.objectContaining({ revision: 2, changedApps: ['web'] }),
        }),
      ]);
  });

  it('records nothing when the same spec is applied again', () => {
    spec.given([defined]).when({ type: 'apply', spec: shopSpec() }).thenNothing();
  });

  it('starts a deploy with the start order and each application at its minimum', () => {
    spec
      .given([defined])
      .when({ type: 'deploy' })
      .then([deployStarted()])
      .andState((state) =>
        expect(state).toMatchObject({
          status: 'deploying',
          running: true,
          desired: { web: 2, db: 1, payment: 1 },
        }),
      );
    spec.given(deployed).when({ type: 'deploy' }).thenNothing();
  });

  it('rolls only the applications whose spec changed when an update is deployed', () => {
    const updated: ServiceEvent = {
      type: 'ServiceUpdated',
      data: { service, spec: shopSpec({ webCpu: '1' }), revision: 2, changedApps: ['web'] },
    };
    spec
      .given([...deployed, updated])
      .when({ type: 'deploy' })
      .then([deployStarted(2)])
      .andState((state) => expect(state.appRevisions).toEqual({ web: 2, db: 1, payment: 1 }));
  });

  it('refuses to act on a service that does not exist', () => {
    spec.given([]).when({ type: 'deploy' }).thenThrows(withCode('not_found'));
  });

  it('reports available once, and degraded only after it has been available', () => {
    spec
      .given(deployed)
      .when({ type: 'record-health', health: healthDegraded(1) })
      .thenNothing();
    spec.given(deployed).when({ type: 'record-health', health: healthAvailable }).then([available]);
    spec
      .given([...deployed, available])
      .when({ type: 'record-health', health: healthAvailable })
      .thenNothing();
    spec
      .given([...deployed, available])
      .when({ type: 'record-health', health: healthDegraded(1) })
      .then([degraded(1)])
      .andState((state) => expect(state.status).toBe('degraded'));
    spec
      .given([...deployed, available, degraded(1)])
      .when({ type: 'record-health', health: healthDegraded(1) })
      .thenNothing();
    spec
      .given([...deployed, available, degraded(1)])
      .when({ type: 'record-health', health: healthDegraded(0) })
      .then([degraded(0)]);
  });

  it('does not report the same degradation again once the log has given it back in its own key order', () => {
    // jsonb returns an object's keys shortest first: app, reason, desired, healthy.
    const fromTheLog: ServiceEvent = {
      type: 'ServiceDegraded',
      data: { service, apps: [{ app: 'web', reason: '1 of 2 healthy', desired: 2, healthy: 1 }] },
    };
    spec
      .given([...deployed, available, fromTheLog])
      .when({ type: 'record-health', health: healthDegraded(1) })
      .thenNothing();
  });

  it('reports a failed service with the application and the reason', () => {
    const health: ServiceHealth = {
      state: 'failed',
      applications: [
        {
          name: 'payment',
          desired: 1,
          min: 1,
          healthy: 0,
          failed: true,
          reason: 'host down and not relocatable',
        },
      ],
    };
    spec
      .given(deployed)
      .when({ type: 'record-health', health })
      .then([
        {
          type: 'ServiceFailed',
          data: { service, reason: 'host down and not relocatable', app: 'payment' },
        },
      ]);
  });

  it('stops in reverse start order, then confirms the stop once nothing runs', () => {
    spec
      .given(deployed)
      .when({ type: 'stop' })
      .then([stopStarted])
      .andState((state) => expect(state).toMatchObject({ status: 'stopping', running: false }));
    spec
      .given([...deployed, stopStarted])
      .when({ type: 'confirm-stopped' })
      .then([{ type: 'ServiceStopped', data: { service } }])
      .andState((state) => expect(state.status).toBe('stopped'));
  });

  it('refuses to delete a running service, and deletes a stopped one', () => {
    spec.given(deployed).when({ type: 'delete' }).thenThrows(withCode('conflict'));
    spec
      .given([defined])
      .when({ type: 'delete' })
      .then([deleted])
      .andState((state) => expect(state.status).toBe('deleted'));
    spec
      .given([defined, deleted])
      .when({ type: 'apply', spec: shopSpec() })
      .then([{ ...defined, data: { ...defined.data, revision: 2 } } as ServiceEvent])
      .andState((state) => expect(state).toMatchObject({ status: 'defined', revision: 2 }));
  });

  it('copies a service under a new name with the same applications and rules', () => {
    const source = evolveService(initialServiceState(), defined);
    spec
      .given([])
      .when({ type: 'copy-from', source, as: 'shop-2' })
      .then([
        expect.objectContaining({
          type: 'ServiceCopied',
          data: expect.objectContaining({ service: 'shop-2', copiedFrom: 'shop', revision: 1 }),
        }),
      ])
      .andState((copy) => {
        expect(copy.model?.applications).toEqual(source.model?.applications);
        expect(copy.model?.rules).toEqual(source.model?.rules);
        expect(copy.status).toBe('defined');
      });
    spec
      .given([defined])
      .when({ type: 'copy-from', source, as: 'shop' })
      .thenThrows(withCode('conflict'));
  });

  it('scales within the replica bounds, recording the inputs of the decision', () => {
    const inputs = { averageLoad: 0.9, samples: 4, windowMs: 5000, threshold: 0.75, replicas: 2 };
    spec
      .given(deployed)
      .when({ type: 'scale', app: 'web', to: 3, inputs, metric: 'load' })
      .then([
        {
          type: 'ScaledOut',
          data: {
            service,
            app: 'web',
            from: 2,
            to: 3,
            reason: { metric: 'load', value: 0.9, threshold: 0.75, samples: 4, windowMs: 5000 },
          },
        },
      ])
      .andState((state) => expect(state.desired.web).toBe(3));
    spec
      .given(deployed)
      .when({ type: 'scale', app: 'web', to: 5, inputs, metric: 'load' })
      .thenThrows(withCode('conflict'));
  });
});
