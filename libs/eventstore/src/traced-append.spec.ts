import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NewEvent } from '@federa/contracts';
import { inSpan, installTracing } from '@federa/runtime/tracing';
import { appendSpanParent, appendsWithTraceparent, withTraceparent } from './traced-append';

installTracing(new SimpleSpanProcessor(new InMemorySpanExporter()), 'federa-test');

const stored = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const metadata = { correlationId: 'c', actor: 'a', occurredAt: '2026-01-01T00:00:00Z' };
const event = (m: NewEvent['metadata'] = metadata): NewEvent => ({
  type: 'HostCordoned',
  data: {},
  metadata: m,
});

describe('traced appends', () => {
  it('write the active span into every event, one metadata object for those that shared one', async () => {
    const shared = { ...metadata };
    const [traced, active] = await inSpan('federa-test', 'append', async () => [
      withTraceparent([event(shared), event(shared)]),
      trace.getActiveSpan()!.spanContext(),
    ]);
    const events = traced as NewEvent[];
    const { traceId, spanId } = active as { traceId: string; spanId: string };
    expect(events[0].metadata.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(events[1].metadata).toBe(events[0].metadata);
    expect(shared).not.toHaveProperty('traceparent');
  });

  it('leave events as they are outside a span', () => {
    const events = [event()];
    expect(withTraceparent(events)).toBe(events);
    const appends = [{ streamId: 'host-h1', events }];
    expect(appendsWithTraceparent(appends)).toBe(appends);
  });

  it('continue the trace the events carry from their cause when no span is active', () => {
    const parent = appendSpanParent([event({ ...metadata, traceparent: stored })]);
    expect(parent && trace.getSpanContext(parent)?.spanId).toBe('b7ad6b7169203331');
    expect(appendSpanParent([event()])).toBeUndefined();
  });

  it('take the active span as parent over the one stored', async () => {
    const parent = await inSpan('federa-test', 'handle', async () =>
      appendSpanParent([event({ ...metadata, traceparent: stored })]),
    );
    expect(parent).toBeUndefined();
  });
});
