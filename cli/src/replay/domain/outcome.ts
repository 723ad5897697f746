import type { RecordedEvent } from '@federa/contracts';
import {
  evolveInstanceLife,
  initialInstanceLife,
  isInstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import {
  evolveHost,
  initialHostRecord,
  publicHostState,
  type HostEvent,
  type HostRecord,
} from '../../../../services/inventory/src';
import {
  evolveService,
  initialServiceState,
  type ServiceEvent,
  type ServiceState,
} from '../../../../services/supervision/src';

/**
 * Where a Federa ended, in the terms a replay compares: each host's state (`ready`, `drained`, …,
 * with `, cordoned` when it is), each service's state, and per service and application the number
 * of instances in each state. Ids of instances and which host holds which are left out: placement
 * may choose differently.
 */
export interface Outcome {
  hosts: Record<string, string>;
  services: Record<string, string>;
  /** `<service>/<app>` → state → count (states with no instance left out). */
  instances: Record<string, Record<string, number>>;
}

/** A host's state as the outcome names it. */
export function hostOutcomeState(state: string, cordoned: boolean): string {
  return cordoned ? `${state}, cordoned` : state;
}

const hostEventTypes = new Set([
  'HostRegistered',
  'HostCapacityChanged',
  'HostSuspected',
  'HostDown',
  'HostRecovered',
  'HostCordoned',
  'HostUncordoned',
  'HostDrainStarted',
  'HostDrainBlocked',
  'HostDrainTimedOut',
  'HostDrained',
  'HostRetired',
  'HostDownRateLimited',
]);

const serviceEventTypes = new Set([
  'ServiceDefined',
  'ServiceUpdated',
  'ServiceCopied',
  'ServiceDeployStarted',
  'ServiceAvailable',
  'ServiceDegraded',
  'ServiceFailed',
  'ServiceStopStarted',
  'ServiceStopped',
  'ServiceDeleted',
  'ScaledOut',
  'ScaledIn',
]);

/** Folds a recorded log, with the same folds as inventory, supervision and the instance list. */
export function foldOutcome(events: Iterable<RecordedEvent>): Outcome {
  const hosts = new Map<string, HostRecord>();
  const services = new Map<string, ServiceState>();
  const instances = new Map<string, InstanceLife>();
  for (const event of events) {
    const id = event.streamId.slice(event.streamId.indexOf('-') + 1);
    if (event.streamId.startsWith('host-') && hostEventTypes.has(event.type)) {
      hosts.set(id, evolveHost(hosts.get(id) ?? initialHostRecord(id), event as HostEvent));
    } else if (event.streamId.startsWith('service-') && serviceEventTypes.has(event.type)) {
      const state = services.get(id) ?? initialServiceState(id);
      services.set(id, evolveService(state, event as ServiceEvent));
    } else if (event.streamId.startsWith('instance-') && isInstanceEvent(event)) {
      instances.set(id, evolveInstanceLife(instances.get(id) ?? initialInstanceLife(), event));
    }
  }
  const outcome: Outcome = { hosts: {}, services: {}, instances: {} };
  for (const [id, record] of hosts)
    if (record.registered)
      outcome.hosts[id] = hostOutcomeState(publicHostState(record), record.cordoned);
  for (const [name, state] of services)
    if (state.status !== 'absent' && state.status !== 'deleted')
      outcome.services[name] = state.status;
  for (const life of instances.values())
    if (life.status !== 'absent' && life.service in outcome.services)
      countInstance(outcome, life.service, life.app, life.status);
  return outcome;
}

/** Adds one instance to the counts (of a service the outcome holds). */
export function countInstance(outcome: Outcome, service: string, app: string, state: string): void {
  const key = `${service}/${app}`;
  const counts = (outcome.instances[key] ??= {});
  counts[state] = (counts[state] ?? 0) + 1;
}
