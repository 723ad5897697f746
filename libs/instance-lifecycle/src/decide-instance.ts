import type { InstanceEndpoint, InstanceStopReason } from '@federa/contracts';
import type { InstanceCommand } from './instance-command';
import { InstanceCommandRefused } from './instance-command-refused';
import type { InstanceEvent } from './instance-event';
import { isLive, type InstanceLife } from './instance-life';

/** Why an instance stopped for staying unhealthy failed, as its InstanceFailed event says. */
export const unhealthyFailureReason =
  'stayed unhealthy past its grace period: stopped to be replaced';

/**
 * The events a command produces for an instance in `life`: none when the log already says it (a
 * repeated command, a stale report), else the events to append at the version `life` was folded
 * from. Throws InstanceCommandRefused when the command no longer applies.
 */
export function decideInstance(command: InstanceCommand, life: InstanceLife): InstanceEvent[] {
  const refuse = (why: string) => new InstanceCommandRefused(command.type, life, why);
  if (command.type === 'request') {
    if (life.status === 'absent') return [{ type: 'InstanceRequested', data: command.data }];
    const same =
      life.instance === command.data.instance &&
      life.service === command.data.service &&
      life.app === command.data.app;
    if (same) return [];
    throw refuse('the instance id is taken');
  }
  if (life.status === 'absent') throw refuse('it was never requested');
  const ref = { service: life.service, app: life.app, instance: life.instance };
  const onHost = life.host ? { ...ref, host: life.host } : ref;
  switch (command.type) {
    case 'place':
    case 'fail-placement': {
      if (command.data.instance !== life.instance) throw refuse('the decision is for another');
      if (life.status === 'pending') {
        return command.type === 'place'
          ? [
              {
                type: 'InstancePlaced',
                data: withoutUndefined({
                  ...command.data,
                  generation: (life.generation ?? 0) + 1,
                  // What the request said of its data, where a placement's reader looks for it.
                  dataAgeMs: life.dataAgeMs,
                  dataLost: life.dataLost,
                }),
              },
            ]
          : [{ type: 'PlacementFailed', data: command.data }];
      }
      if (command.type === 'place' && life.host === command.data.host) return [];
      throw refuse('it no longer waits for a host');
    }
    case 'start': {
      if (life.host !== command.host) throw refuse(`it is not placed on ${command.host}`);
      if (life.status === 'placed') {
        return [
          { type: 'InstanceStarting', data: { ...ref, host: command.host, layer: command.layer } },
        ];
      }
      if (['starting', 'running', 'healthy', 'unhealthy'].includes(life.status)) return [];
      throw refuse('it is not waiting to start');
    }
    case 'observe':
      return startedFirst(observed(command, life), life);
    case 'request-stop':
      if (!isLive(life.status) || life.status === 'stopping') return [];
      if (life.status === 'pending' || life.status === 'placed') {
        return stopped(life, command.reason);
      }
      return [
        {
          type: 'InstanceStopRequested',
          data: { ...onHost, reason: command.reason },
        },
      ];
    case 'record-stopped':
      return isLive(life.status) ? stopped(life, command.reason, command.exitCode) : [];
    case 'fail':
      if (!isLive(life.status)) return [];
      return [
        {
          type: 'InstanceFailed',
          data: withoutUndefined({
            ...onHost,
            reason: command.reason,
            cause: command.cause,
            exitCode: command.exitCode,
            restarts: command.restarts,
          }),
        },
      ];
    case 'fail-lost':
      if (life.status !== 'lost' || life.host !== command.host) {
        throw refuse(`it is no longer lost on ${command.host}`);
      }
      return [
        {
          type: 'InstanceFailed',
          data: {
            ...ref,
            host: command.host,
            reason: command.reason,
            cause: 'host-down',
            restarts: 0,
          },
        },
      ];
    case 'mark-lost':
      if (!isLive(life.status) || life.status === 'lost') return [];
      if (!life.host || life.status === 'pending') throw refuse('it has no host to lose');
      // Not known to run yet: it stays as it is, so that its start goes out again once the host is
      // back (a lost instance waits for its agent's word, which a never-started one would not send).
      if (life.status === 'placed' || life.status === 'starting') return [];
      return [{ type: 'InstanceLost', data: { ...ref, host: life.host, reason: command.reason } }];
    case 'begin-migration': {
      if (life.status === 'migrating' && life.migration?.id === command.migration) return [];
      if (!['running', 'healthy', 'unhealthy'].includes(life.status) || !life.host) {
        throw refuse('only a running instance can be moved');
      }
      if (command.to === life.host) throw refuse(`it already runs on ${command.to}`);
      return [
        {
          type: 'InstanceMigrating',
          data: {
            ...ref,
            host: life.host,
            migration: command.migration,
            to: command.to,
            ...(command.servesWhileMoving ? { servesWhileMoving: true } : {}),
          },
        },
      ];
    }
    case 'complete-migration':
      if (life.status === 'migrating' && life.migration?.id === command.migration && life.host) {
        return [
          {
            type: 'InstanceRelocated',
            data: {
              ...ref,
              host: command.host,
              migration: command.migration,
              from: life.host,
              ...(command.verified ? { verified: true } : {}),
            },
          },
        ];
      }
      if (life.status !== 'migrating' && life.host === command.host) return [];
      throw refuse(`migration ${command.migration} is not moving it`);
    case 'abort-migration':
      if (life.status === 'migrating' && life.migration?.id === command.migration && life.host) {
        return [
          {
            type: 'InstanceMigrationAborted',
            data: { ...ref, host: life.host, migration: command.migration, reason: command.reason },
          },
        ];
      }
      // Not moving: nothing to give up (already aborted, or never begun).
      if (life.status !== 'migrating') return [];
      throw refuse(`migration ${command.migration} is not moving it`);
  }
}

/** The end of an instance that stopped; one stopped for staying unhealthy failed (it is replaced). */
function stopped(
  life: InstanceLife,
  reason: InstanceStopReason,
  exitCode?: number,
): InstanceEvent[] {
  const ref = { service: life.service, app: life.app, instance: life.instance, host: life.host };
  if (reason === 'unhealthy') {
    return [
      {
        type: 'InstanceFailed',
        data: withoutUndefined({ ...ref, reason: unhealthyFailureReason, exitCode, restarts: 0 }),
      },
    ];
  }
  return [{ type: 'InstanceStopped', data: withoutUndefined({ ...ref, reason, exitCode }) }];
}

/** What an agent's report means for the log: a change to record, or nothing. */
function observed(
  command: Extract<InstanceCommand, { type: 'observe' }>,
  life: InstanceLife,
): InstanceEvent[] {
  const { status } = life;
  // A report from another host (stale agent, old placement) or about a dead or moving instance.
  if (!isLive(status) || life.host !== command.host || status === 'migrating') return [];
  const ref = { service: life.service, app: life.app, instance: life.instance, host: command.host };
  const early = status === 'placed' || status === 'starting' || status === 'lost';
  // An endpoint the log does not hold (the first one, or a new port after the layer ran it again) is
  // recorded in an InstanceRunning, before the health it was observed with: discovery reads it there.
  const moved =
    command.endpoint !== undefined &&
    status !== 'stopping' &&
    !sameEndpoint(command.endpoint, life.endpoint);
  const running: InstanceEvent = {
    type: 'InstanceRunning',
    data: command.endpoint ? { ...ref, endpoint: command.endpoint } : ref,
  };
  if (status === 'lost') {
    const held = heldWhileLost(command.state, life, ref);
    if (held) return held;
  }
  switch (command.state) {
    case 'running':
      return early || moved ? [running] : [];
    case 'healthy':
      if (moved) return [running, { type: 'InstanceHealthy', data: ref }];
      return status !== 'healthy' && status !== 'stopping'
        ? [{ type: 'InstanceHealthy', data: ref }]
        : [];
    case 'unhealthy':
      return (moved || status !== 'unhealthy') && status !== 'stopping'
        ? [
            ...(moved ? [running] : []),
            {
              type: 'InstanceUnhealthy',
              data: {
                ...ref,
                reason: command.detail ?? 'health probe failing',
                consecutiveFailures: Math.max(1, command.failureThreshold),
              },
            },
          ]
        : [];
    case 'stopped':
    case 'failed':
      if (status === 'stopping') return stopped(life, life.stopReason ?? 'requested');
      // Not started yet: a report of an earlier run on that host says nothing of this one.
      if (status === 'placed') return [];
      return [
        {
          type: 'InstanceFailed',
          data: {
            ...ref,
            reason:
              command.detail ?? (command.state === 'stopped' ? 'stopped unexpectedly' : 'failed'),
            restarts: 0,
          },
        },
      ];
    default:
      return [];
  }
}

/**
 * A lost instance its agent speaks of again, in a state other than a running one: the log takes the
 * agent's word where it has an event that says it, so that the instance is no longer lost (its host's
 * return would otherwise fail it and start a second copy beside the one the agent holds):
 * - `starting` (a VM restoring, a start the agent resumed): InstanceStarting, as any start is
 *   recorded; supervision then treats it as any other start (a start it sends again is answered
 *   by the layer with the status of what it already holds, never a second copy);
 * - `stopping`, when the log asked for that stop before the instance was lost: InstanceStopRequested
 *   with the stop's own reason, and the end the agent reports next ends it as that stop (a scale-in
 *   is not replaced). A stop the log never asked for has no reason to record: it stays lost, and its
 *   end is an unexpected one.
 * Undefined for any other state: `migrating` needs a migration the log no longer has, `paused` is no
 * state of the log; the instance stays lost, and supervision does not fail it while its agent keeps
 * speaking of it (report-overdue).
 */
function heldWhileLost(
  state: string,
  life: InstanceLife,
  ref: { service: string; app: string; instance: string; host: string },
): InstanceEvent[] | undefined {
  if (state === 'starting' && life.layer) {
    return [{ type: 'InstanceStarting', data: { ...ref, layer: life.layer } }];
  }
  if (!life.stopReason) return undefined;
  if (state === 'stopping') {
    return [{ type: 'InstanceStopRequested', data: { ...ref, reason: life.stopReason } }];
  }
  if (state === 'stopped' || state === 'failed') return stopped(life, life.stopReason);
  return undefined;
}

/**
 * An agent can report an instance it runs before the log records its start (the start was sent and
 * the append of InstanceStarting lost a race, or a returning host adopted it): the stream still
 * reads InstanceStarting before any state of a running instance, never InstanceRunning first.
 */
function startedFirst(events: InstanceEvent[], life: InstanceLife): InstanceEvent[] {
  const live = ['InstanceRunning', 'InstanceHealthy', 'InstanceUnhealthy'];
  if (life.status !== 'placed' || !life.host || !life.layer) return events;
  if (!events.some((e) => live.includes(e.type))) return events;
  const ref = { service: life.service, app: life.app, instance: life.instance, host: life.host };
  return [{ type: 'InstanceStarting', data: { ...ref, layer: life.layer } }, ...events];
}

function sameEndpoint(a: InstanceEndpoint, b: InstanceEndpoint | undefined): boolean {
  return (
    b !== undefined &&
    a.address === b.address &&
    a.port === b.port &&
    a.guestAddress === b.guestAddress
  );
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[])
    if (value[key] === undefined) delete value[key];
  return value;
}
