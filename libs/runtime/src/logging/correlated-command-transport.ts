import { CommandTransport } from '@federa/messaging';
import type { Msg } from 'nats';
import { acceptedCorrelationId, correlationIdHeader, withCorrelationId } from './log-context';

export { correlationIdHeader };

/**
 * The command transport whose handlers log with the command's correlation id, from its
 * `Federa-Correlation-Id` header (the CommandClient sends the one of the request it serves).
 */
export class CorrelatedCommandTransport extends CommandTransport {
  override handleMessage(channel: string, message: Msg): Promise<unknown> {
    return withCorrelationId(correlationIdOf(message), () => super.handleMessage(channel, message));
  }
}

/**
 * The correlation id a command message's headers carry, if any. Any NATS client can send one, so a
 * value not in the request id format (up to 128 of `A-Za-z0-9._:-`) is ignored.
 */
export function correlationIdOf(message: Pick<Msg, 'headers'>): string | undefined {
  return acceptedCorrelationId(message.headers?.get(correlationIdHeader));
}
