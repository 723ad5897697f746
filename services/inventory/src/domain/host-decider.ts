import {
  ErrorCodes,
  FederaError,
  type DrainBlockedInstance,
  type EventOf,
  type HostState,
} from '@federa/contracts';
import { sameCapacity, sameDescription, type HostAttributes } from './host-attributes';
import type { HostCommand, ReplacementStanding } from './host-commands';
import type { HostEvent, Liveness } from './host-events';

/** Where a host is in its life, apart from liveness. */
export type HostLifecycle = 'active' | 'draining' | 'drained' | 'retired';

/** The host's latest drain: where it stands, the host a replacement moves to, what blocks it. */
export interface DrainRecord {
  /** `cancelled`: the host was uncordoned, which ends a drain whatever its state, and returned to service. */
  state: 'draining' | 'drained' | 'timed-out' | 'cancelled';
  /** Which drain of the host: 1 for its first HostDrainStarted. */
  number: number;
  replaceWith: string | undefined;
  /** The last HostDrainBlocked's list (empty after none). */
  blocked: DrainBlockedInstance[];
}

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
  /** The fingerprint of the host key that holds the host (docs/adr/host-key.md); undefined: none yet. */
  hostKey: string | undefined;
  /** The latest drain; undefined if the host was never drained. */
  drain: DrainRecord | undefined;
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
    hostKey: undefined,
    drain: undefined,
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
      const {
        host: _host,
        epoch,
        address: _address,
        agentRunId,
        hostKey,
        ...attributes
      } = event.data;
      return {
        ...record,
        registered: true,
        epoch,
        agentRunId: agentRunId ?? record.agentRunId,
        hostKey: hostKey ?? record.hostKey,
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
      if (!event.data.drainEnded) return { ...record, cordoned: false };
      return {
        ...record,
        cordoned: false,
        lifecycle: record.lifecycle === 'retired' ? 'retired' : 'active',
        drain: record.drain && { ...record.drain, state: 'cancelled', blocked: [] },
      };
    case 'HostDrainStarted':
      return {
        ...record,
        lifecycle: 'draining',
        drain: {
          state: 'draining',
          number: (record.drain?.number ?? 0) + 1,
          replaceWith: event.data.replaceWith,
          blocked: [],
        },
      };
    case 'HostDrainBlocked':
      return record.drain
        ? { ...record, drain: { ...record.drain, blocked: event.data.blocked } }
        : record;
    // The host stays out of placement (draining) until it is drained again, retired or returned.
    case 'HostDrainTimedOut':
      return record.drain ? { ...record, drain: { ...record.drain, state: 'timed-out' } } : record;
    case 'HostDrained':
      return {
        ...record,
        // A retired host stays retired, whatever a drain's end written after it says.
        lifecycle: record.lifecycle === 'retired' ? 'retired' : 'drained',
        drain: record.drain && { ...record.drain, state: 'drained', blocked: [] },
      };
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
    return decideRegistration(record, command);
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
      // A host back from down comes back through a registration, with a new epoch: heartbeats of
      // the epoch it went down with are from before the fence (docs/adr/host-key.md).
      if (staleLiveness(command.epoch) || record.liveness !== 'suspect') return [];
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
      // A drain in progress, timed out or done keeps the host out of placement: uncordon is the way
      // back to service, as `kubectl uncordon` is after a drain.
      if (record.lifecycle !== 'active') {
        return [{ type: 'HostUncordoned', data: { host, drainEnded: true } }];
      }
      return record.cordoned ? [{ type: 'HostUncordoned', data: { host } }] : [];
    case 'DrainHost':
      refuseWhenRetired(record, 'drained');
      if (!mayStartDrain(record)) return [];
      return startDrain(record, command);
    case 'ReplaceHost':
      refuseWhenRetired(record, 'replaced');
      if (record.drain?.state === 'draining') {
        if (record.drain.replaceWith === command.replacement.host) return [];
        throw new FederaError(
          ErrorCodes.conflict,
          `host ${host} is already draining; a replacement starts once that drain ended`,
        );
      }
      refuseReplacement(record, command.replacement);
      return startDrain(record, command, command.replacement.host);
    case 'RecordDrainBlocked':
      if (!forThisDrain(record, command.drain)) return [];
      if (sameBlocked(record.drain.blocked, command.blocked)) return [];
      return [{ type: 'HostDrainBlocked', data: { host, blocked: [...command.blocked] } }];
    case 'FinishDrain': {
      if (!forThisDrain(record, command.drain)) return [];
      const drained: HostEvent = {
        type: 'HostDrained',
        data: {
          host,
          evacuated: [...command.evacuated],
          notRelocatable: [...command.notRelocatable],
        },
      };
      return record.drain.replaceWith
        ? [drained, { type: 'HostRetired', data: { host, forced: false } }]
        : [drained];
    }
    case 'TimeOutDrain':
      if (!forThisDrain(record, command.drain)) return [];
      return [
        {
          type: 'HostDrainTimedOut',
          data: { host, evacuated: [...command.evacuated], remaining: [...command.remaining] },
        },
      ];
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

/**
 * Whether a drain runner's command is for the drain in progress: none in progress changes nothing
 * (the drain already ended, or the host was retired meanwhile: its drain's end must not bring it
 * back as drained); another drain's number is refused, as it was decided from an earlier drain's
 * world and must not end or overwrite this one.
 */
function forThisDrain(
  record: HostRecord,
  drain: number,
): record is HostRecord & { drain: DrainRecord } {
  if (record.lifecycle === 'retired' || record.drain?.state !== 'draining') return false;
  if (record.drain.number !== drain) {
    throw new FederaError(
      ErrorCodes.conflict,
      `host ${record.host} is in its drain ${record.drain.number}, not drain ${drain}`,
      [{ path: 'drain', reason: `the drain in progress is number ${record.drain.number}` }],
    );
  }
  return true;
}

/**
 * A drain starts on an active host, and again on one whose last drain timed out (the operator asks
 * once more); a host draining or drained is already where the command would take it.
 */
function mayStartDrain(record: HostRecord): boolean {
  return record.lifecycle === 'active' || record.drain?.state === 'timed-out';
}

function startDrain(
  record: HostRecord,
  command: { instances: string[]; reason?: string; deadlineAt?: string },
  replaceWith?: string,
): HostEvent[] {
  const host = record.host;
  const started: EventOf<'HostDrainStarted'> = {
    type: 'HostDrainStarted',
    data: {
      host,
      instances: [...command.instances],
      ...(command.reason ? { reason: command.reason } : {}),
      ...(command.deadlineAt ? { deadlineAt: command.deadlineAt } : {}),
      ...(replaceWith ? { replaceWith } : {}),
    },
  };
  if (command.instances.length > 0) return [started];
  // Nothing to evacuate: the drain is over as soon as it starts, and a replaced host retires.
  const drained: HostEvent = {
    type: 'HostDrained',
    data: { host, evacuated: [], notRelocatable: [] },
  };
  return replaceWith
    ? [started, drained, { type: 'HostRetired', data: { host, forced: false } }]
    : [started, drained];
}

/**
 * The host that takes everything must be another registered host that can take placements now:
 * ready, neither cordoned, draining nor retired. The refusal names `with`.
 */
function refuseReplacement(record: HostRecord, replacement: ReplacementStanding): void {
  const other = replacement.host;
  if (other === record.host) {
    const reason = `must name another host than ${record.host}`;
    throw new FederaError(ErrorCodes.validation, `a host cannot replace itself: ${reason}`, [
      { path: 'with', reason },
    ]);
  }
  const why = !replacement.registered
    ? `host ${other} is not registered`
    : replacement.lifecycle !== 'active'
      ? `host ${other} is ${replacement.lifecycle}`
      : replacement.liveness !== 'ready'
        ? `host ${other} is ${replacement.liveness}`
        : replacement.cordoned
          ? `host ${other} is cordoned`
          : undefined;
  if (why === undefined) return;
  throw new FederaError(
    ErrorCodes.conflict,
    `${other} cannot replace ${record.host}: ${why}; the new host must be ready and take placements`,
    [{ path: 'with', reason: why }],
  );
}

/** The same instances blocked for the same reasons, whatever the order. */
function sameBlocked(
  a: readonly DrainBlockedInstance[],
  b: readonly DrainBlockedInstance[],
): boolean {
  const key = (list: readonly DrainBlockedInstance[]) =>
    list
      .map((x) => JSON.stringify([x.instance, x.service, x.app, x.reason]))
      .sort()
      .join('\n');
  return a.length === b.length && key(a) === key(b);
}

function decideRegistration(
  record: HostRecord,
  command: Extract<HostCommand, { type: 'RegisterHost' }>,
): HostEvent[] {
  const { attributes, agentRunId, hostKey } = command;
  const host = record.host;
  const key = hostKey ? { hostKey } : {};
  if (!record.registered) {
    return [
      { type: 'HostRegistered', data: { host, epoch: 1, ...attributes, agentRunId, ...key } },
    ];
  }
  if (record.lifecycle === 'retired') {
    throw new FederaError(ErrorCodes.conflict, `host ${host} is retired and cannot register again`);
  }
  refuseAnotherKey(record, hostKey);
  // The same run asking again: its reply was lost, not its process. The epoch it holds stays
  // valid, unless the host went down meanwhile: a return from down always takes a new epoch.
  if (record.agentRunId === agentRunId && record.liveness !== 'down') return [];
  // Every registration is an agent (re)start or a return: a new epoch fences what came before.
  const epoch = record.epoch + 1;
  const events: HostEvent[] = [];
  const previous = record.attributes;
  if ((previous && !sameDescription(previous, attributes)) || hostKey !== record.hostKey) {
    // Site, layers, costs, labels or the host key changed: the full description again.
    events.push({
      type: 'HostRegistered',
      data: { host, epoch, ...attributes, agentRunId, ...key },
    });
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

/**
 * Who may register a host that holds a key (docs/adr/host-key.md): the same key, always; another
 * key only once the host is down (the agent that held it was silent past the down threshold: a
 * reinstalled host, a lost data dir); a registration without a key, never. A host registered
 * without a key (older agents and events) is taken by the first key that registers it.
 */
function refuseAnotherKey(record: HostRecord, hostKey: string | undefined): void {
  const held = record.hostKey;
  if (held === undefined || hostKey === held) return;
  if (hostKey !== undefined && record.liveness === 'down') return;
  const reason =
    hostKey === undefined
      ? `host ${record.host} is held by the agent of host key ${held}: a registration must prove that key`
      : `host ${record.host} is held by another agent (host key ${held}) and is ${record.liveness}: another key may take it only once it is down`;
  throw new FederaError(ErrorCodes.conflict, reason, [{ path: 'hostKey', reason }]);
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
