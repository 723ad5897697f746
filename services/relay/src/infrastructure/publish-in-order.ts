import { streamCategory, type RecordedEvent, type Subjects } from '@federa/contracts';
import { encodeEventMessage, positionHeader } from '@federa/messaging';
import {
  SpanKind,
  SpanStatusCode,
  contextOfTraceparent,
  injectTraceContext,
  startSpan,
  tracingOn,
  withContext,
} from '@federa/runtime/tracing';
import { headers, type JetStreamClient, type MsgHdrs, type PubAck } from 'nats';

/** How far a pipelined round got: events [0, confirmed) are in JetStream (new or deduplicated). */
export interface PublishRound {
  confirmed: number;
  /** True when a confirmed event was already there: the stream's last sequence is then unknown. */
  sawDuplicate: boolean;
  lastSequence: number;
  error: unknown;
}

/**
 * Publishes events[from..] without waiting between them, each with its event id as Nats-Msg-Id and the
 * stream sequence it must follow: if one is lost (a server restart), every later one is refused too, so
 * JetStream never holds them out of order. Returns how many, from the start, are confirmed.
 */
export async function publishInOrder(
  js: JetStreamClient,
  subjects: Subjects,
  events: RecordedEvent[],
  from: number,
  lastSequence: number,
  timeoutMs: number,
): Promise<PublishRound> {
  const acks = events.slice(from).map((event, i) => {
    const h = headers();
    h.set(positionHeader, String(event.position));
    const subject = subjects.event(streamCategory(event.streamId), event.type);
    const publish = () =>
      js.publish(subject, encodeEventMessage(event), {
        msgID: event.eventId,
        expect: { lastSequence: lastSequence + i },
        headers: h,
        timeout: timeoutMs,
      });
    return tracingOn() ? publishTraced(event, subject, h, publish) : publish();
  });
  const settled = await Promise.allSettled(acks);
  let confirmed = from;
  let sawDuplicate = false;
  let last = lastSequence;
  for (const outcome of settled) {
    if (outcome.status === 'rejected')
      return { confirmed, sawDuplicate, lastSequence: last, error: outcome.reason };
    confirmed++;
    if (outcome.value.duplicate) sawDuplicate = true;
    else last = outcome.value.seq;
  }
  return { confirmed, sawDuplicate, lastSequence: last, error: undefined };
}

/**
 * The publish in a span of the event's trace (the one its metadata names), whose context the
 * message carries on to the stream's consumers; the span ends with the PubAck.
 */
function publishTraced(
  event: RecordedEvent,
  subject: string,
  h: MsgHdrs,
  publish: () => Promise<PubAck>,
): Promise<PubAck> {
  const started = startSpan('federa-relay', `publish ${event.type}`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
    parent: contextOfTraceparent(event.metadata.traceparent),
  });
  if (!started) return publish();
  withContext(started.context, () => injectTraceContext(h));
  return publish().then(
    (ack) => {
      started.span.end();
      return ack;
    },
    (error: unknown) => {
      started.span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      started.span.end();
      throw error;
    },
  );
}
