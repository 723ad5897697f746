import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { contextOfCarrier, inSpan, installTracing } from '@federa/runtime/tracing';
import { MsgHdrsImpl } from 'nats';
import { traceHeaders } from './trace-headers';

const exporter = new InMemorySpanExporter();
installTracing(new SimpleSpanProcessor(exporter), 'federa-test');

describe('trace headers on NATS messages', () => {
  it('carry the sender span over the wire to the receiver span', async () => {
    const wire = await inSpan('federa-test', 'send', async () =>
      (traceHeaders() as MsgHdrsImpl).encode(),
    );
    const received = MsgHdrsImpl.decode(wire);
    await inSpan('federa-test', 'handle', async () => undefined, {
      parent: contextOfCarrier(received),
    });
    const [sender, receiver] = exporter.getFinishedSpans();
    expect(receiver.spanContext().traceId).toBe(sender.spanContext().traceId);
    expect(receiver.parentSpanContext?.spanId).toBe(sender.spanContext().spanId);
  });

  it('are none outside a span, so that the message goes as before', () => {
    expect(traceHeaders()).toBeUndefined();
  });
});
