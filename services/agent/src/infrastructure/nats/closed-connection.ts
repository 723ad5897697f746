import { ErrorCode } from 'nats';

/** Whether `error` is the client refusing to use a connection that was closed. */
export function isClosedConnection(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === ErrorCode.ConnectionClosed;
}
