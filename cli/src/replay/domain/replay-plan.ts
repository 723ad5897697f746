import type { HostCapacity, HostConfig, RecordedEvent } from '@federa/contracts';
import { simulatedSpec } from './simulated-spec';

/** A recorded host, as its simulated agent registers it again. */
export interface RecordedHost {
  config: HostConfig;
  capacity: HostCapacity;
}

/** A REST call that re-drives one recorded user command. */
export interface CallStep {
  kind: 'call';
  method: 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

/**
 * A recorded move of one instance: ids differ in the target, so it moves an instance of the same
 * service and application, preferably from the same host.
 */
export interface MigrateStep {
  kind: 'migrate';
  service: string;
  app: string;
  from: string;
  to: string;
  live: boolean;
}

/** What a simulated host suffers at this point of the recording (its agent went silent, came back). */
export interface FaultStep {
  kind: 'fault';
  host: string;
  fault: 'kill' | 'revive';
}

/**
 * An instance its agent reported failed: one running instance of the same service and application
 * fails in the simulation (on the recorded host when one runs there).
 */
export interface InstanceFailureStep {
  kind: 'fail-instance';
  host: string;
  service: string;
  app: string;
}

/** One thing the replay does, `atMs` after the recording's first step, caused by the event at `position`. */
export type ReplayStep = (CallStep | MigrateStep | FaultStep | InstanceFailureStep) & {
  atMs: number;
  position: number;
  /** The recorded event's type: what the target's log should show for it (lag). */
  type: string;
  /** The recorded event's stream, where the target's log shows it. */
  streamId: string;
};

export interface ReplayPlan {
  hosts: RecordedHost[];
  steps: ReplayStep[];
  /** What the replay changed in recorded specs for its simulated workloads, one line each. */
  rewrites: string[];
}

const idOf = (event: RecordedEvent) => event.streamId.slice(event.streamId.indexOf('-') + 1);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- event data of many shapes, each read by its type
type Data = any;

/**
 * A user's command, as the log records it: caused by an API token, and by no other event (what a
 * command causes carries its actor on, with a causation).
 */
export function isUserCommand(event: RecordedEvent): boolean {
  return event.metadata.actor.startsWith('token:') && event.metadata.causationId === undefined;
}

/** The REST call (or move) of one recorded user command, or undefined for events no command causes. */
export function commandStepOf(event: RecordedEvent): CallStep | MigrateStep | undefined {
  const data = event.data as Data;
  const id = idOf(event);
  const service = `/v1/services/${encodeURIComponent(id)}`;
  const host = `/v1/hosts/${encodeURIComponent(id)}`;
  switch (event.type) {
    case 'ServiceDefined':
    case 'ServiceUpdated':
      return { kind: 'call', method: 'PUT', path: service, body: data.spec };
    case 'ServiceCopied':
      return {
        kind: 'call',
        method: 'POST',
        path: `/v1/services/${encodeURIComponent(data.copiedFrom)}/copy`,
        body: { as: id },
      };
    case 'ServiceDeployStarted':
      return { kind: 'call', method: 'POST', path: `${service}/deploy` };
    case 'ServiceStopStarted':
      return { kind: 'call', method: 'POST', path: `${service}/stop` };
    case 'ServiceDeleted':
      return { kind: 'call', method: 'DELETE', path: service };
    case 'HostCordoned':
      return {
        kind: 'call',
        method: 'POST',
        path: `${host}/cordon`,
        body: data.reason === undefined ? {} : { reason: data.reason },
      };
    case 'HostUncordoned':
      return { kind: 'call', method: 'POST', path: `${host}/uncordon` };
    case 'HostDrainStarted': {
      const body: Record<string, unknown> = {};
      if (data.reason !== undefined) body.reason = data.reason;
      if (data.deadlineAt !== undefined)
        body.deadlineMs = Math.max(
          1000,
          Date.parse(data.deadlineAt) - Date.parse(event.metadata.occurredAt ?? event.recordedAt),
        );
      if (data.replaceWith !== undefined)
        return {
          kind: 'call',
          method: 'POST',
          path: `${host}/replace`,
          body: { ...body, with: data.replaceWith },
        };
      return { kind: 'call', method: 'POST', path: `${host}/drain`, body };
    }
    case 'HostRetired':
      return { kind: 'call', method: 'DELETE', path: `${host}?force=${data.forced === true}` };
    case 'MigrationStarted':
      if (data.reason !== 'requested') return undefined;
      return {
        kind: 'migrate',
        service: data.service,
        app: data.app,
        from: data.from,
        to: data.to,
        live: data.live === true,
      };
    default:
      return undefined;
  }
}

/**
 * What replays a recording: its hosts (each with its last registered attributes and capacity, so
 * that the target's placement sees the same fleet) and, in recorded order, every user command as
 * its REST call, every host that went down dead and registered again as a kill and a revive of
 * its simulated agent, and every instance its agent reported failed as the failure of one instance
 * of the same application. A spec's parts that need real workloads are rewritten for simulated
 * ones (simulated-spec.ts), each change listed. Times are from the first step's recorded time.
 */
export function planReplay(events: RecordedEvent[]): ReplayPlan {
  const hosts = new Map<string, RecordedHost>();
  const steps: Omit<ReplayStep, 'atMs'>[] = [];
  const times: number[] = [];
  const down = new Set<string>();
  /** Each recorded instance's service and application: what a recorded failure fails again. */
  const applications = new Map<string, { service: string; app: string }>();
  const rewrites = new Set<string>();
  const refused = refusedMigrations(events);
  /** The last step's command per stream: one command's several events are driven once. */
  const lastCorrelation = new Map<string, string>();
  for (const event of events) {
    const data = event.data as Data;
    if (event.type === 'HostRegistered') {
      hosts.set(data.host, { config: hostConfigOf(data), capacity: data.capacity });
      if (down.delete(data.host)) push(event, { kind: 'fault', host: data.host, fault: 'revive' });
      continue;
    }
    if (event.type === 'HostCapacityChanged') {
      const known = hosts.get(data.host);
      if (known) known.capacity = data.capacity;
      continue;
    }
    if (event.type === 'InstanceRequested') {
      applications.set(data.instance, { service: data.service, app: data.app });
      continue;
    }
    if (event.type === 'InstanceFailed' && event.metadata.actor.startsWith('agent:')) {
      const application = applications.get(data.instance);
      const host = event.metadata.actor.slice('agent:'.length);
      if (application) push(event, { kind: 'fail-instance', host, ...application });
      continue;
    }
    if (event.type === 'HostDown' && data.cause === 'dead') {
      down.add(data.host);
      push(event, { kind: 'fault', host: data.host, fault: 'kill' });
      continue;
    }
    if (!isUserCommand(event)) continue;
    // A replace of an empty host appends its drain and its retirement at once: the replace
    // re-drives both, a DELETE after it would be a second command (refused, or a no-op).
    if (lastCorrelation.get(event.streamId) === event.metadata.correlationId) continue;
    // The recording's user was refused (the move could not start): the target is not asked again.
    if (refused.has(event.streamId)) continue;
    const step = commandStepOf(event);
    if (
      step?.kind === 'call' &&
      (event.type === 'ServiceDefined' || event.type === 'ServiceUpdated')
    ) {
      const simulated = simulatedSpec(idOf(event), step.body);
      step.body = simulated.manifest;
      for (const line of simulated.rewrites) rewrites.add(line);
    }
    if (step) {
      push(event, step);
      lastCorrelation.set(event.streamId, event.metadata.correlationId);
    }
  }
  const start = times[0] ?? 0;
  return {
    hosts: [...hosts.values()],
    steps: steps.map((step, i) => ({ ...step, atMs: times[i] - start }) as ReplayStep),
    rewrites: [...rewrites],
  };

  function push(
    event: RecordedEvent,
    step: CallStep | MigrateStep | FaultStep | InstanceFailureStep,
  ): void {
    steps.push({ ...step, position: event.position, type: event.type, streamId: event.streamId });
    times.push(Date.parse(event.recordedAt));
  }
}

/**
 * The migration streams whose requested start was refused: `federa migrate` appends MigrationStarted,
 * then MigrationFailed before any phase began when the instance cannot be moved (the user got a 409).
 */
export function refusedMigrations(events: RecordedEvent[]): Set<string> {
  const started = new Set<string>();
  const refused = new Set<string>();
  for (const event of events) {
    if (event.type === 'MigrationStarted' && (event.data as Data).reason === 'requested')
      started.add(event.streamId);
    else if (!started.has(event.streamId)) continue;
    else if (event.type === 'MigrationFailed') refused.add(event.streamId);
    // Any other event of the migration (a phase, its end): it started, it was not refused.
    if (event.type !== 'MigrationStarted') started.delete(event.streamId);
  }
  return refused;
}

/** A host.yaml-like config of what a HostRegistered recorded (its capacity goes on separately). */
function hostConfigOf(data: Data): HostConfig {
  return {
    host: data.host,
    site: data.site,
    securityLevel: data.securityLevel,
    layers: data.layers,
    capacity: 'auto',
    costs: data.costs,
    ...(data.features ? { features: data.features } : {}),
    ...(data.labels ? { labels: data.labels } : {}),
  } as HostConfig;
}
