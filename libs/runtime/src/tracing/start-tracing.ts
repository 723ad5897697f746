import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { switchTracingOn } from './tracing-switch';

// The SDK and the exporter are loaded only when tracing is set up: a process that does not trace
// loads the API alone.
type Sdk = typeof import('@opentelemetry/sdk-trace-node') &
  typeof import('@opentelemetry/resources') &
  typeof import('@opentelemetry/semantic-conventions');
const sdk = (): Sdk => ({
  ...require('@opentelemetry/sdk-trace-node'),
  ...require('@opentelemetry/resources'),
  ...require('@opentelemetry/semantic-conventions'),
});

/** The process's tracer provider, once one is registered. */
export interface Tracing {
  /** Sends the spans still buffered. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting. */
  shutdown(): Promise<void>;
}

let registered: Tracing | undefined;

/**
 * Sets up tracing for the process (call once, first thing in main): with OTEL_EXPORTER_OTLP_ENDPOINT
 * set, spans are batched and exported over OTLP/HTTP (the exporter reads the other OTEL_EXPORTER_OTLP_*
 * variables itself) under `OTEL_SERVICE_NAME` or `federa-<service>`; without it, nothing is set up
 * and every traced place costs one check. Answers the provider, or undefined when off. A second call
 * answers the first one's.
 */
export function startTracing(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): Tracing | undefined {
  if (registered) return registered;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  const { BatchSpanProcessor } = sdk();
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  return installTracing(
    new BatchSpanProcessor(new OTLPTraceExporter()),
    env.OTEL_SERVICE_NAME || `federa-${service}`,
  );
}

/**
 * Registers a tracer provider that hands every span to `processor` (a test's in-memory exporter
 * behind a SimpleSpanProcessor) and switches tracing on. A second call answers the first one's.
 */
export function installTracing(processor: SpanProcessor, serviceName: string): Tracing {
  if (registered) return registered;
  const { NodeTracerProvider, resourceFromAttributes, ATTR_SERVICE_NAME } = sdk();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [processor],
  });
  // Also sets the async-hooks context manager and the W3C propagator as the API's globals.
  provider.register();
  switchTracingOn();
  registered = {
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return registered;
}
