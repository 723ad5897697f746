import { ErrorCodes, FederaError, type EventOf, type HostState } from '@federa/contracts';
import { sameCapacity, sameDescription, type HostAttributes } from './host-attributes';
import type { HostCommand } from './host-commands';
import type { HostEvent, Liveness } from './host-events';

/** Where a host is in its life, apart from liveness. */
export type HostLifecycle = 'active' | 'draining' | 'drained' | 'retired';

/** The fold of a `host-<id>` stream. */
export interface HostRecord {
  host: string;
  registered: boolean;
  epoch: number;
  liveness: Liveness;
  lifecycle: HostLifecycle;
  cordoned: boolean;
  /** A HostDownRateLimited was recorded and no HostDown or HostRecovered since. */
  downDeferred: boolean;
  attributes: HostAttributes | undefined;
  /** The agent run that registered last. */
  agentRunId: string | undefined;
}

export function initialHostRecord(host: string): HostRecord {
  return {
    host,
    registered: false,
    epoch: 0,
    liveness: 'ready',
    lifecycle: 'active',
    cordoned: false,
    downDeferred: false,
    attributes: undefined,
    agentRunId: undefined,
  };
}

/** The host's public state: retirement first, then liveness, then the drain. */
export function publicHostState(record: Pick<HostRecord, 'lifecycle' | 'liveness'>): HostState {
  if (record.lifecycle === 'retired') return 'retired';
  if (record.liveness !== 'ready') return record.liveness;
  return record.lifecycle === 'active' ? 'ready' : record.lifecycle;
}

/** Folds one event into the record. */
export function evolveHost(record: HostRecord, event: HostEvent): HostRecord {
  switch (event.type) {
    case 'HostRegistered': {
      const { host: _host, epoch, address: _address, agentRunId, ...attributes } = event.data;
      return {
        ...record,
        registered: true,
        epoch,
        agentRunId: agentRunId ?? record.agentRunId,
        liveness: 'ready',
        downDeferred: false,
        attributes: { ...attributes, labels: attributes.labels ?? {} },
      };
    }
    case 'HostRecovered':
      return {
        ...record,
        epoch: event.data.epoch,
        liveness: 'ready',
        downDeferred: false,
        agentRunId: event.data.agentRunId ?? record.agentRunId,
      };
    case 'HostCapacityChanged':
      return record.attributes
        ? { ...record, attributes: { ...record.attributes, capacity: event.data.capacity } }
        : record;
    case 'HostSuspected':
      return { ...record, liveness: 'suspect' };
    case 'HostDown':
      return { ...record, liveness: 'down', downDeferred: false };
    case 'HostDownRateLimited':
      return { ...record, downDeferred: true };
    case 'HostCordoned':
      return { ...record, cordoned: true };
    case 'HostUncordoned':
      return { ...record, cordoned: false };
    case 'HostDrainStarted':
      return { ...record, lifecycle: 'draining' };
    case 'HostDrained':
      return { ...record, lifecycle: 'drained' };
    case 'HostRetired':
      return { ...record, lifecycle: 'retired' };
  }
}

/**
 * Decides the events a command causes on one host; answers [] when the host is already where the
 * command would take it (commands are retried), throws FederaError when the command is refused.
 */
export function decideHost(command: HostCommand, record: HostRecord): HostEvent[] {
  const host = record.host;
  if (command.type === 'RegisterHost') {
    return decideRegistration(record, command.attributes, command.agentRunId);
  }
  if (!record.registered) {
    throw new FederaError(ErrorCodes.notFound, `host ${host} is not registered`);
  }
  const retired = record.lifecycle === 'retired';
  const staleLiveness = (epoch: number) => retired || epoch !== record.epoch;
  switch (command.type) {
    case 'SuspectHost':
      if (staleLiveness(command.epoch) || record.liveness !== 'ready') return [];
      return [
        {
          type: 'HostSuspected',
          data: {
            host,
            ...(command.lastHeartbeatAt ? { lastHeartbeatAt: command.lastHeartbeatAt } : {}),
            silentForMs: command.silentForMs,
          },
        },
      ];
    case 'DeclareHostDown': {
      if (staleLiveness(command.epoch) || record.liveness === 'down') return [];
      const last = command.evidence.lastHeartbeatAt;
      return [
        {
          type: 'HostDown',
          data: {
            host,
            ...(last ? { lastHeartbeatAt: last } : {}),
            reason: downReason(command.cause, command.evidence.leaseTtlMs),
            instances: [...command.instances],
            cause: command.cause,
            evidence: command.evidence,
          },
        },
      ];
    }
    case 'DeferHostDown':
      if (staleLiveness(command.epoch) || record.liveness === 'down' || record.downDeferred)
        return [];
      return [
        {
          type: 'HostDownRateLimited',
          data: {
            host,
            silentHosts: command.silentHosts,
            limit: command.limitPerMinute,
            site: record.attributes?.site ?? '',
            retryAt: command.retryAt,
          },
        },
      ];
    case 'RecoverHost':
      if (staleLiveness(command.epoch) || record.liveness === 'ready') return [];
      return [
        {
          type: 'HostRecovered',
          data: {
            host,
            epoch: record.epoch,
            reason: 'heartbeat',
            from: record.liveness,
            lastHeartbeatAt: command.lastHeartbeatAt,
          },
        },
      ];
    case 'CordonHost':
      refuseWhenRetired(record, 'cordoned');
      if (record.cordoned) return [];
      return [
        {
          type: 'HostCordoned',
          data: command.reason ? { host, reason: command.reason } : { host },
        },
      ];
    case 'UncordonHost':
      refuseWhenRetired(record, 'uncordoned');
      return record.cordoned ? [{ type: 'HostUncordoned', data: { host } }] : [];
    case 'DrainHost': {
      refuseWhenRetired(record, 'drained');
      if (record.lifecycle !== 'active') return [];
      const started: EventOf<'HostDrainStarted'> = {
        type: 'HostDrainStarted',
        data: {
          host,
          instances: [...command.instances],
          ...(command.reason ? { reason: command.reason } : {}),
        },
      };
      // Nothing to evacuate: the drain is over as soon as it starts.
      return command.instances.length === 0
        ? [started, { type: 'HostDrained', data: { host, evacuated: [], notRelocatable: [] } }]
        : [started];
    }
    case 'RetireHost':
      if (retired) return [];
      if (command.instances.length > 0 && !command.force) {
        throw new FederaError(
          ErrorCodes.conflict,
          `host ${host} still runs ${command.instances.length} instance(s); drain it first or retire it with force`,
          command.instances.map((instance) => ({
            path: 'instances',
            reason: `still on the host: ${instance}`,
          })),
        );
      }
      return [{ type: 'HostRetired', data: { host, forced: command.instances.length > 0 } }];
  }
}

function decideRegistration(
  record: HostRecord,
  attributes: HostAttributes,
  agentRunId: string,
): HostEvent[] {
  const host = record.host;
  if (!record.registered) {
    return [{ type: 'HostRegistered', data: { host, epoch: 1, ...attributes, agentRunId } }];
  }
  if (record.lifecycle === 'retired') {
    throw new FederaError(ErrorCodes.conflict, `host ${host} is retired and cannot register again`);
  }
  // The same run asking again: its reply was lost, not its process. The epoch it holds stays valid.
  if (record.agentRunId === agentRunId) return [];
  // Every registration is an agent (re)start: a new epoch fences whatever the previous run sent.
  const epoch = record.epoch + 1;
  const events: HostEvent[] = [];
  const previous = record.attributes;
  if (previous && !sameDescription(previous, attributes)) {
    // Site, layers, costs or labels changed with the restart: the full description again.
    events.push({ type: 'HostRegistered', data: { host, epoch, ...attributes, agentRunId } });
  }
  events.push({
    type: 'HostRecovered',
    data: { host, epoch, reason: 're-registered', from: record.liveness, agentRunId },
  });
  if (previous && !sameCapacity(previous.capacity, attributes.capacity)) {
    events.push({ type: 'HostCapacityChanged', data: { host, capacity: attributes.capacity } });
  }
  return events;
}

function downReason(cause: 'dead' | 'partitioned', leaseTtlMs: number): string {
  return cause === 'dead'
    ? `no heartbeat and no lease renewed within ${leaseTtlMs} ms: the host is dead`
    : `no heartbeat, but its lease was renewed within ${leaseTtlMs} ms: the host is cut off by a partition`;
}

function refuseWhenRetired(record: HostRecord, what: string): void {
  if (record.lifecycle === 'retired') {
    throw new FederaError(
      ErrorCodes.conflict,
      `host ${record.host} is retired and cannot be ${what}`,
    );
  }
}

/** Folds a whole stream. */
export function foldHost(host: string, events: readonly HostEvent[]): HostRecord {
  return events.reduce(evolveHost, initialHostRecord(host));
}

/** The host decider in the event store's shape, for handleCommand. */
export function hostDecider(host: string) {
  return {
    initialState: () => initialHostRecord(host),
    evolve: evolveHost,
    decide: decideHost,
  };
}
