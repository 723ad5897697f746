import { ApiRoles } from '../api/api-role';
import type { FieldError } from '../validation/field-error';
import type { EventMetadata } from './envelope';

/**
 * The NATS headers that carry who asked for a command, from the gateway to the owning service
 * (docs/security/audit.md).
 */
export const ActorHeaders = { actor: 'Federa-Actor', role: 'Federa-Actor-Role' } as const;

/** Who asked for a command, as the owning service writes it into `metadata.actor`/`actorRole`. */
export interface CommandOrigin {
  actor: string;
  actorRole?: string;
}

/** A name of a kind, then optionally `:` and a name: `token:alice`, `agent:mph-1`, `supervision`. */
const actorPattern = /^[a-z][a-z0-9-]*(:[A-Za-z0-9._-]+)?$/;
export const maxActorLength = 128;

/** The actor an API token writes: `token:<its name>` (`token:admin` for FEDERA_API_TOKEN). */
export function tokenActor(name: string): string {
  return `token:${name}`;
}

/** Why `value` is not an actor (empty when it is one); `path` names where it came from. */
export function actorErrors(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string' || value === '')
    return [{ path, reason: 'must be a non-empty string' }];
  if (value.length > maxActorLength)
    return [{ path, reason: `must be at most ${maxActorLength} characters` }];
  if (!actorPattern.test(value))
    return [
      {
        path,
        reason:
          'must be a lowercase name (letters, digits, dashes), optionally followed by ":" and letters, digits, dots, dashes or underscores, such as token:alice',
      },
    ];
  return [];
}

/** Why `value` is not a role (empty when it is one). */
export function actorRoleErrors(value: unknown, path: string): FieldError[] {
  return typeof value === 'string' && (ApiRoles as readonly string[]).includes(value)
    ? []
    : [{ path, reason: `must be one of ${ApiRoles.join(', ')}` }];
}

/** The metadata of an event some decision appends, but `occurredAt` (the writer's clock). */
export type DecisionMetadata = Pick<
  EventMetadata,
  'correlationId' | 'causationId' | 'actor' | 'actorRole' | 'decidedBy' | 'traceparent'
> &
  Partial<Pick<EventMetadata, 'occurredAt'>>;

/**
 * Metadata of what `decidedBy` appends because a command asked: the command's origin is the actor
 * (`decidedBy` itself when nobody says who asked).
 */
export function commandMetadata(
  origin: CommandOrigin | undefined,
  decidedBy: string,
  correlationId: string,
): DecisionMetadata {
  return {
    correlationId,
    actor: origin?.actor ?? decidedBy,
    ...(origin?.actorRole ? { actorRole: origin.actorRole } : {}),
    decidedBy,
  };
}

/** An event that causes others: its id and who and why it was. */
export interface EventCause {
  eventId: string;
  metadata: Pick<EventMetadata, 'correlationId' | 'actor' | 'actorRole' | 'traceparent'>;
}

/**
 * Metadata of what `decidedBy` appends because `cause` was recorded: the cause's actor (and role)
 * carried on, in the cause's correlation, caused by the cause's event.
 */
export function causedMetadata(cause: EventCause, decidedBy: string): DecisionMetadata {
  return {
    correlationId: cause.metadata.correlationId,
    causationId: cause.eventId,
    actor: cause.metadata.actor,
    ...(cause.metadata.actorRole ? { actorRole: cause.metadata.actorRole } : {}),
    decidedBy,
    // What the cause set off stays in its trace (the store names a nearer span when one is active).
    ...(cause.metadata.traceparent ? { traceparent: cause.metadata.traceparent } : {}),
  };
}

/**
 * Metadata of a decision `service` takes of its own (a replacement after a failure, a tick, a lease
 * that ran out): the service is the actor; the event that prompted it, when one did, is the cause.
 */
export function internalMetadata(
  service: string,
  correlationId: string,
  cause?: Pick<EventCause, 'eventId'>,
): DecisionMetadata {
  return {
    correlationId,
    ...(cause ? { causationId: cause.eventId } : {}),
    actor: service,
    decidedBy: service,
  };
}

/** The actor of what an agent reports: `agent:<host>`. */
export function agentActor(host: string): string {
  return `agent:${host}`;
}

/**
 * Metadata of what `decidedBy` records of an agent's report: an observation is the agent's, whoever
 * had the instance started; it belongs to the correlation it continues.
 */
export function observationMetadata(
  host: string,
  decidedBy: string,
  correlationId: string,
): DecisionMetadata {
  return { correlationId, actor: agentActor(host), decidedBy };
}
