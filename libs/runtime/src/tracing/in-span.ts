import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { tracingOn } from './tracing-switch';

export { SpanKind, SpanStatusCode };

/** How a span begins. */
export interface SpanStart {
  /** @default SpanKind.INTERNAL */
  kind?: SpanKind;
  attributes?: Attributes;
  /** The span's parent: a context extracted from a message or an event. @default the active one */
  parent?: Context;
}

/**
 * Runs `run` inside a span named `name` of the tracer `scope` (the service, `federa-<name>`): the
 * span is active while it runs (what it sends or appends carries it), ends when it settles, and
 * records a throw as an error. With tracing off, runs `run` and nothing else.
 */
export function inSpan<T>(
  scope: string,
  name: string,
  run: (span: Span | undefined) => Promise<T>,
  start: SpanStart = {},
): Promise<T> {
  if (!tracingOn()) return run(undefined);
  const tracer = trace.getTracer(scope);
  return tracer.startActiveSpan(
    name,
    { kind: start.kind ?? SpanKind.INTERNAL, attributes: start.attributes },
    start.parent ?? context.active(),
    async (span) => {
      try {
        return await run(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Starts a span that the caller ends (an HTTP request ends when its response is sent, not when its
 * handler returns), with the context it is active in; undefined with tracing off.
 */
export function startSpan(
  scope: string,
  name: string,
  start: SpanStart = {},
): { span: Span; context: Context } | undefined {
  if (!tracingOn()) return undefined;
  const parent = start.parent ?? context.active();
  const span = trace
    .getTracer(scope)
    .startSpan(
      name,
      { kind: start.kind ?? SpanKind.INTERNAL, attributes: start.attributes },
      parent,
    );
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `run` with `active` as the active context (what it sends carries it). */
export function withContext<T>(active: Context | undefined, run: () => T): T {
  return active ? context.with(active, run) : run();
}
