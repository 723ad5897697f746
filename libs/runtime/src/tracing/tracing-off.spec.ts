import { activeTraceparent, contextOfTraceparent, injectTraceContext } from './trace-context';
import { inSpan, startSpan } from './in-span';
import { startTracing } from './start-tracing';
import { tracingOn } from './tracing-switch';

describe('tracing left off', () => {
  it('sets nothing up without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(startTracing('inventory', {})).toBeUndefined();
    expect(tracingOn()).toBe(false);
  });

  it('runs traced code without a span and writes no header', async () => {
    await expect(inSpan('federa-test', 'work', async (span) => span)).resolves.toBeUndefined();
    expect(startSpan('federa-test', 'work')).toBeUndefined();
    const written = new Map<string, string>();
    injectTraceContext({ set: (name, value) => written.set(name, value) });
    expect(written.size).toBe(0);
    expect(activeTraceparent()).toBeUndefined();
  });

  it('reads no context from a stored traceparent', () => {
    expect(
      contextOfTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
    ).toBeUndefined();
  });
});
