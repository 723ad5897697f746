import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode, inSpan, withContext } from './in-span';
import { installTracing } from './start-tracing';
import {
  activeTraceparent,
  contextOfCarrier,
  contextOfTraceparent,
  injectTraceContext,
} from './trace-context';

const exporter = new InMemorySpanExporter();
installTracing(new SimpleSpanProcessor(exporter), 'federa-test');

const traceId = '0af7651916cd43dd8448eb211c80319c';
const remote = `00-${traceId}-b7ad6b7169203331-01`;

/** A carrier as NATS headers behave: '' for a name it does not hold. */
function headersOf(values: Record<string, string> = {}) {
  const map = new Map(Object.entries(values));
  return {
    get: (name: string) => map.get(name) ?? '',
    set: (n: string, v: string) => map.set(n, v),
  };
}

describe('trace context', () => {
  beforeEach(() => exporter.reset());

  it('starts a span under the traceparent a message carries', async () => {
    await inSpan('federa-test', 'handle', async () => undefined, {
      parent: contextOfCarrier(headersOf({ traceparent: remote })),
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('writes the active span into the headers of what it sends', async () => {
    const sent = headersOf();
    await inSpan('federa-test', 'send', async () => injectTraceContext(sent));
    const [span] = exporter.getFinishedSpans();
    expect(sent.get('traceparent')).toBe(
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
  });

  it('starts a new trace when a message carries no traceparent, or a malformed one', async () => {
    for (const headers of [headersOf(), headersOf({ traceparent: 'not-a-traceparent' })]) {
      await inSpan('federa-test', 'handle', async () => undefined, {
        parent: contextOfCarrier(headers),
      });
    }
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.parentSpanContext)).toEqual([undefined, undefined]);
    expect(spans[0].spanContext().traceId).not.toBe(spans[1].spanContext().traceId);
  });

  it('continues the trace an event stored, and names the active span for the next', async () => {
    const stored = contextOfTraceparent(remote);
    expect(stored && trace.getSpanContext(stored)?.traceId).toBe(traceId);
    expect(contextOfTraceparent('garbage')).toBeUndefined();
    expect(contextOfTraceparent(undefined)).toBeUndefined();
    const named = await inSpan('federa-test', 'react', async () => activeTraceparent(), {
      parent: stored,
    });
    expect(named).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(withContext(undefined, () => activeTraceparent())).toBeUndefined();
  });

  it('records a throw as the span error and throws it on', async () => {
    await expect(
      inSpan('federa-test', 'fail', async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'refused' });
  });
});
