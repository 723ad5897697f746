import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Subjects, type RecordedEvent } from '@federa/contracts';
import { installTracing } from '@federa/runtime/tracing';
import type { JetStreamClient, JetStreamPublishOptions, PubAck } from 'nats';
import { publishInOrder } from './publish-in-order';

const exporter = new InMemorySpanExporter();
installTracing(new SimpleSpanProcessor(exporter), 'federa-test');

const traceId = '0af7651916cd43dd8448eb211c80319c';

function event(traceparent?: string): RecordedEvent {
  return {
    position: 7,
    eventId: '6f1c0e0a-1d2b-4c3d-8e4f-5a6b7c8d9e0f',
    streamId: 'host-h1',
    streamVersion: 1,
    type: 'HostCordoned',
    schemaVersion: 1,
    data: { host: 'h1' },
    metadata: {
      correlationId: 'c',
      actor: 'a',
      occurredAt: '2026-12-07T00:00:00Z',
      ...(traceparent ? { traceparent } : {}),
    },
    recordedAt: '2026-12-07T00:00:00Z',
  };
}

/** A JetStream that acknowledges every message and keeps the options it was given. */
function acknowledging(): { js: JetStreamClient; sent: Partial<JetStreamPublishOptions>[] } {
  const sent: Partial<JetStreamPublishOptions>[] = [];
  const js = {
    publish: async (_subject: string, _data: Uint8Array, options: JetStreamPublishOptions) => {
      sent.push(options);
      return { seq: sent.length, duplicate: false, stream: 'FEDERA_EVENTS' } as PubAck;
    },
  } as unknown as JetStreamClient;
  return { js, sent };
}

describe('the relay publishing a traced event', () => {
  beforeEach(() => exporter.reset());

  it('publishes it in a span of the trace its metadata names, whose context the message carries', async () => {
    const { js, sent } = acknowledging();
    const round = await publishInOrder(
      js,
      new Subjects('federa'),
      [event(`00-${traceId}-b7ad6b7169203331-01`)],
      0,
      0,
      1000,
    );
    expect(round.confirmed).toBe(1);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('publish HostCordoned');
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(sent[0].headers?.get('traceparent')).toBe(
      `00-${traceId}-${span.spanContext().spanId}-01`,
    );
  });

  it('starts a trace of its own for an event that names none', async () => {
    const { js, sent } = acknowledging();
    await publishInOrder(js, new Subjects('federa'), [event()], 0, 0, 1000);
    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(sent[0].headers?.get('traceparent')).toContain(span.spanContext().traceId);
  });
});
