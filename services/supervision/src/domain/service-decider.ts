import {
  ErrorCodes,
  FederaError,
  normaliseServiceSpec,
  type EventUnion,
  type NormalisedServiceSpec,
  type ScalingMetric,
  type ServiceSpec,
  type ServiceState as ServiceStateName,
} from '@federa/contracts';
import type { ScalingInputs } from './autoscaling-policy';
import type { ServiceHealth } from './service-health';

/** The life of one service, folded from its `service-<name>` stream. */
export interface ServiceState {
  name: string;
  status: ServiceStateName | 'absent' | 'deleted';
  /** The latest applied spec, as the user wrote it, and normalised. */
  spec?: ServiceSpec;
  model?: NormalisedServiceSpec;
  revision: number;
  /** The spec the last deploy rolled out: what instances are started from. */
  deployed?: NormalisedServiceSpec;
  deployedRevision: number;
  /** Per application: the revision in which its deployed spec last changed (older instances are rolled). */
  appRevisions: Record<string, number>;
  /** Per application: how many instances should run (replicas.min, moved by autoscaling). */
  desired: Record<string, number>;
  /** Whether instances should run: from deploy until stop. */
  running: boolean;
  /** Signature of the last health event, so that only changes are recorded. */
  lastHealth?: string;
  /** The service probe's last recorded result (health events carry it, on change only). */
  probe?: { result: 'passed' | 'failed'; at: string; reason?: string };
  copiedFrom?: string;
}

export type ServiceCommand =
  | { type: 'apply'; spec: ServiceSpec }
  | { type: 'copy-from'; source: ServiceState; as: string }
  | { type: 'deploy' }
  | { type: 'stop' }
  | { type: 'confirm-stopped' }
  | { type: 'delete' }
  | { type: 'record-health'; health: ServiceHealth }
  | { type: 'scale'; app: string; to: number; inputs: ScalingInputs; metric: ScalingMetric };

/** Every event of a `service-<name>` stream, as the decider emits and folds them. */
export type ServiceEvent = EventUnion<
  | 'ServiceDefined'
  | 'ServiceUpdated'
  | 'ServiceCopied'
  | 'ServiceDeployStarted'
  | 'ServiceAvailable'
  | 'ServiceDegraded'
  | 'ServiceFailed'
  | 'ServiceStopStarted'
  | 'ServiceStopped'
  | 'ServiceDeleted'
  | 'ScaledOut'
  | 'ScaledIn'
>;

export function initialServiceState(name = ''): ServiceState {
  return {
    name,
    status: 'absent',
    revision: 0,
    deployedRevision: 0,
    appRevisions: {},
    desired: {},
    running: false,
  };
}

/** Which events a command produces on a service in `state`; throws FederaError to refuse it. */
export function decideService(command: ServiceCommand, state: ServiceState): ServiceEvent[] {
  const exists = state.status !== 'absent' && state.status !== 'deleted';
  if (command.type === 'apply') {
    const service = command.spec.metadata.name;
    if (!exists) {
      return [
        {
          type: 'ServiceDefined',
          data: { service, spec: command.spec, revision: state.revision + 1 },
        },
      ];
    }
    // Compared normalised: the same spec read from YAML or from the log has other key orders and types.
    const after = normaliseServiceSpec(command.spec);
    if (sameJson(after, state.model)) return [];
    return [
      {
        type: 'ServiceUpdated',
        data: {
          service,
          spec: command.spec,
          revision: state.revision + 1,
          changedApps: changedApplications(state.model, after),
        },
      },
    ];
  }
  if (command.type === 'copy-from') return decideCopy(command.source, command.as, state, exists);
  if (!exists) throw new FederaError(ErrorCodes.notFound, `service ${state.name || '?'} not found`);
  const service = state.name;
  const model = state.model as NormalisedServiceSpec;
  switch (command.type) {
    case 'deploy':
      if (state.running && state.deployedRevision === state.revision) return [];
      return [
        {
          type: 'ServiceDeployStarted',
          data: { service, revision: state.revision, startOrder: model.startOrder },
        },
      ];
    case 'stop':
      if (!state.running) return [];
      return [
        {
          type: 'ServiceStopStarted',
          data: { service, stopOrder: [...(state.deployed ?? model).startOrder].reverse() },
        },
      ];
    case 'confirm-stopped':
      if (state.running || state.status !== 'stopping') return [];
      return [{ type: 'ServiceStopped', data: { service } }];
    case 'delete':
      if (state.running || state.status === 'stopping') {
        throw conflict(`service ${service} is ${state.status}: stop it before deleting it`);
      }
      return [{ type: 'ServiceDeleted', data: { service } }];
    case 'record-health':
      return decideHealth(state, command.health);
    case 'scale':
      return decideScale(state, command);
  }
}

/** Applies one service event; unknown types leave the state as it was. */
export function evolveService(state: ServiceState, event: ServiceEvent): ServiceState {
  switch (event.type) {
    case 'ServiceDefined':
    case 'ServiceCopied':
    case 'ServiceUpdated': {
      const data = event.data;
      const spec = data.spec;
      const fresh = event.type !== 'ServiceUpdated';
      return {
        ...(fresh ? initialServiceState(spec.metadata.name) : state),
        name: spec.metadata.name,
        status: fresh ? 'defined' : state.status,
        spec,
        model: normaliseServiceSpec(spec),
        revision: Number(data.revision),
        ...('copiedFrom' in data && typeof data.copiedFrom === 'string'
          ? { copiedFrom: data.copiedFrom }
          : {}),
      };
    }
    case 'ServiceDeployStarted':
      return deployStarted(state, Number(event.data.revision));
    case 'ServiceAvailable':
      return {
        ...state,
        status: 'available',
        lastHealth: healthSignature('available', []),
        probe: event.data.probe ? { ...event.data.probe } : undefined,
      };
    case 'ServiceDegraded':
      return {
        ...state,
        status: 'degraded',
        lastHealth: degradedSignature(event.data.apps, event.data.probe?.result),
        probe: event.data.probe ? { ...event.data.probe } : state.probe,
      };
    case 'ServiceFailed':
      return {
        ...state,
        status: 'failed',
        lastHealth: healthSignature('failed', [event.data.app, event.data.reason]),
      };
    case 'ServiceStopStarted':
      return {
        ...state,
        status: 'stopping',
        running: false,
        lastHealth: undefined,
        probe: undefined,
      };
    case 'ServiceStopped':
      return { ...state, status: 'stopped', desired: {} };
    case 'ServiceDeleted':
      return { ...initialServiceState(state.name), status: 'deleted', revision: state.revision };
    case 'ScaledOut':
    case 'ScaledIn':
      return {
        ...state,
        desired: { ...state.desired, [String(event.data.app)]: Number(event.data.to) },
      };
    default:
      return state;
  }
}

/** The decider in the shape of @federa/eventstore's `Decider`. */
export const serviceDecider = {
  initialState: () => initialServiceState(),
  evolve: evolveService,
  decide: decideService,
};

function deployStarted(state: ServiceState, revision: number): ServiceState {
  const model = state.model as NormalisedServiceSpec;
  const appRevisions: Record<string, number> = {};
  const desired: Record<string, number> = {};
  for (const app of model.applications) {
    const before = state.deployed?.applications.find((a) => a.name === app.name);
    appRevisions[app.name] =
      before && sameJson(before, app) ? (state.appRevisions[app.name] ?? revision) : revision;
    const current = state.running ? state.desired[app.name] : undefined;
    desired[app.name] = clamp(current ?? app.replicas.min, app.replicas.min, app.replicas.max);
  }
  return {
    ...state,
    status: 'deploying',
    deployed: model,
    deployedRevision: revision,
    appRevisions,
    desired,
    running: true,
    lastHealth: undefined,
    // A pass of the chain as it was says nothing of the one being deployed.
    probe: undefined,
  };
}

/**
 * A copy defines the target anew, as an apply would: its revision follows the target stream's last one
 * (a name deleted and copied onto again keeps counting, so that no revision of the stream repeats).
 */
function decideCopy(
  source: ServiceState,
  as: string,
  target: ServiceState,
  targetExists: boolean,
): ServiceEvent[] {
  if (source.status === 'absent' || source.status === 'deleted' || !source.spec) {
    throw new FederaError(ErrorCodes.notFound, `service ${source.name || '?'} not found`);
  }
  if (targetExists) throw conflict(`service ${as} already exists`);
  const spec = { ...source.spec, metadata: { ...source.spec.metadata, name: as } } as ServiceSpec;
  return [
    {
      type: 'ServiceCopied',
      data: { service: as, spec, revision: target.revision + 1, copiedFrom: source.name },
    },
  ];
}

function decideHealth(state: ServiceState, health: ServiceHealth): ServiceEvent[] {
  if (!state.running) return [];
  // While deploying, missing instances are expected: only success or outright failure is news, and
  // a failing service probe (it runs only once its application serves, so it is no startup gap).
  if (
    state.status === 'deploying' &&
    health.state === 'degraded' &&
    health.probe?.result !== 'failed'
  )
    return [];
  const service = state.name;
  const probe =
    health.probe && health.probe.result !== 'pending'
      ? {
          probe: {
            result: health.probe.result,
            at: health.probe.at ?? new Date(0).toISOString(),
            ...(health.probe.reason ? { reason: health.probe.reason } : {}),
          },
        }
      : {};
  if (health.state === 'available') {
    if (state.lastHealth === healthSignature('available', [])) return [];
    return [
      { type: 'ServiceAvailable', data: { service, revision: state.deployedRevision, ...probe } },
    ];
  }
  if (health.state === 'failed') {
    const culprit =
      health.applications.find((a) => a.failed) ?? health.applications.find((a) => a.reason);
    const reason = culprit?.reason ?? 'unknown';
    if (state.lastHealth === healthSignature('failed', [culprit?.name, reason])) return [];
    return [
      {
        type: 'ServiceFailed',
        data: { service, reason, ...(culprit ? { app: culprit.name } : {}) },
      },
    ];
  }
  // A short application, or the probe's application when the service probe fails.
  const apps = health.applications
    .filter((a) => a.healthy < a.min || a.reason !== undefined)
    .map((a) => ({
      app: a.name,
      desired: a.desired,
      healthy: a.healthy,
      ...(a.reason ? { reason: a.reason } : {}),
    }));
  if (state.lastHealth === degradedSignature(apps, probe.probe?.result)) return [];
  return [{ type: 'ServiceDegraded', data: { service, apps, ...probe } }];
}

/**
 * A degraded service's signature: its short applications and the probe's result. A probe that
 * passes or fails anew is recorded even when an application short of instances says the same as
 * before (its own reason hides the probe's), so that the log, and describe service, know the result.
 */
function degradedSignature(apps: unknown, probeResult: string | undefined): string {
  return healthSignature('degraded', probeResult ? [apps, probeResult] : apps);
}

function decideScale(
  state: ServiceState,
  command: Extract<ServiceCommand, { type: 'scale' }>,
): ServiceEvent[] {
  const { app, to, inputs } = command;
  const spec = state.deployed?.applications.find((a) => a.name === app);
  if (!state.running || !spec)
    throw conflict(`application ${app} of ${state.name} is not deployed`);
  const from = state.desired[app] ?? spec.replicas.min;
  if (to < spec.replicas.min || to > spec.replicas.max) {
    throw conflict(
      `${app} must keep between ${spec.replicas.min} and ${spec.replicas.max} instances, not ${to}`,
    );
  }
  if (to === from) return [];
  const reason = {
    metric: command.metric,
    value: inputs.averageLoad,
    threshold: inputs.threshold,
    samples: inputs.samples,
    windowMs: inputs.windowMs,
    ...(inputs.belowForMs !== undefined ? { belowForMs: inputs.belowForMs } : {}),
  };
  return [
    {
      type: to > from ? 'ScaledOut' : 'ScaledIn',
      data: { service: state.name, app, from, to, reason },
    },
  ];
}

/** Two health events saying the same state about the same applications are one. */
function healthSignature(state: string, detail: unknown): string {
  // Keys in one order: the log (jsonb) gives a recorded event's objects back in its own key order.
  return JSON.stringify([state, detail ?? null], (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

function changedApplications(
  before: NormalisedServiceSpec | undefined,
  after: NormalisedServiceSpec,
): string[] {
  const names = new Set(
    [...(before?.applications ?? []), ...after.applications].map((a) => a.name),
  );
  return [...names].filter((name) => {
    const old = before?.applications.find((a) => a.name === name);
    const now = after.applications.find((a) => a.name === name);
    return !old || !now || !sameJson(old, now);
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function conflict(message: string): FederaError {
  return new FederaError(ErrorCodes.conflict, message);
}
