import type { Msg } from 'nats';
import { SpanKind, inSpan } from '../../../../../libs/runtime/src/tracing/in-span';
import { contextOfCarrier } from '../../../../../libs/runtime/src/tracing/trace-context';
import { tracingOn } from '../../../../../libs/runtime/src/tracing/tracing-switch';

/**
 * Answers a command from supervision in a span under the one its `traceparent` header names, so
 * that the agent's part shows in the trace of what asked for it. With tracing off, just answers.
 */
export function answerInSpan<T>(msg: Msg, answer: () => Promise<T>): Promise<T> {
  if (!tracingOn()) return answer();
  return inSpan('federa-agent', `handle ${msg.subject.split('.').slice(1).join('.')}`, answer, {
    kind: SpanKind.SERVER,
    parent: contextOfCarrier(msg.headers),
  });
}
