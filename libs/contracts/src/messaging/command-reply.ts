import type { ErrorBody } from '../errors/error-body';

/** What every NATS request/reply command answers: a result, or the error format of the REST API. */
export type CommandReply<T = unknown> = { ok: true; result: T } | ({ ok: false } & ErrorBody);

export function replyOk<T>(result: T): CommandReply<T> {
  return { ok: true, result };
}
