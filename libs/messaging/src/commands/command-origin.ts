import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import {
  ActorHeaders,
  ValidationFailed,
  actorErrors,
  actorRoleErrors,
  type CommandOrigin,
} from '@federa/contracts';
import { correlationIdHeader } from '@federa/runtime/service-logger';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

/** Where the headers of a command are read from: a NATS message's, or none. */
interface HeaderSource {
  get(name: string): string;
  has(name: string): boolean;
}

/**
 * Who asked for a command, read from its `Federa-Actor`/`Federa-Actor-Role` headers: undefined
 * without an actor header (another service, a test: the owning service then names itself). Only the
 * gateway and services publish commands (a JetStream delivery onto a command subject arrives under
 * its stored subject and CommandTransport drops it), so a well-formed header is trusted; a malformed
 * one (too long, outside the charset, a role that is none) is refused naming the header, and nothing
 * runs.
 */
export function commandOriginOf(headers: HeaderSource | undefined): CommandOrigin | undefined {
  if (!headers?.has(ActorHeaders.actor)) {
    if (headers?.has(ActorHeaders.role))
      throw new ValidationFailed(
        [{ path: `${ActorHeaders.role} header`, reason: `needs a ${ActorHeaders.actor} header` }],
        'command headers',
      );
    return undefined;
  }
  const actor = headers.get(ActorHeaders.actor);
  const errors = actorErrors(actor, `${ActorHeaders.actor} header`);
  const role = headers.has(ActorHeaders.role) ? headers.get(ActorHeaders.role) : undefined;
  if (role !== undefined) errors.push(...actorRoleErrors(role, `${ActorHeaders.role} header`));
  if (errors.length > 0) throw new ValidationFailed(errors, 'command headers');
  return { actor, ...(role !== undefined ? { actorRole: role } : {}) };
}

/**
 * The headers that tell the owning service who asked, and the correlation id its log lines are to
 * carry (the request the sender serves); none without either.
 */
export function commandOriginHeaders(
  origin: CommandOrigin | undefined,
  correlationId?: string,
): MsgHdrs | undefined {
  if (!origin && !correlationId) return undefined;
  const headers = natsHeaders();
  if (origin) {
    headers.set(ActorHeaders.actor, origin.actor);
    if (origin.actorRole) headers.set(ActorHeaders.role, origin.actorRole);
  }
  if (correlationId) headers.set(correlationIdHeader, correlationId);
  return headers;
}

/** Handler parameter of a NATS command: its CommandOrigin (commandOriginOf), or undefined. */
export const Origin = createParamDecorator(
  (_: unknown, context: ExecutionContext): CommandOrigin | undefined =>
    commandOriginOf(context.switchToRpc().getContext<NatsContext>().getHeaders?.()),
);
