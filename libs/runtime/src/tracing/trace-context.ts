import { context, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracingOn } from './tracing-switch';

/** What trace context travels in: NATS message headers (MsgHdrs), or any get/set pair. */
export interface TraceCarrier {
  get(name: string): string;
  set(name: string, value: string): void;
}

/** The W3C header that carries the trace id and the parent span id (`00-<trace>-<span>-<flags>`). */
export const traceparentHeader = 'traceparent';

const w3c = new W3CTraceContextPropagator();

const carrierGetter = {
  keys: (): string[] => [traceparentHeader, 'tracestate'],
  // NATS headers answer '' for a name they do not hold.
  get: (carrier: Pick<TraceCarrier, 'get'>, key: string): string | undefined =>
    carrier.get(key) || undefined,
};

const recordGetter = {
  keys: (carrier: Record<string, unknown>): string[] => Object.keys(carrier),
  get: (carrier: Record<string, unknown>, key: string): string | undefined => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** Writes the active span's context into `carrier` (`traceparent`, and `tracestate` when set). */
export function injectTraceContext(carrier: Pick<TraceCarrier, 'set'>): void {
  w3c.inject(context.active(), carrier, {
    set: (target: Pick<TraceCarrier, 'set'>, key: string, value: string) => target.set(key, value),
  });
}

/**
 * The context a message's headers carry, under the active one; the active context when they carry
 * none (or a malformed one: a span is then started as if nothing came).
 */
export function contextOfCarrier(carrier: Pick<TraceCarrier, 'get'> | undefined): Context {
  if (!carrier) return context.active();
  return w3c.extract(context.active(), carrier, carrierGetter);
}

/** The active span's `traceparent`, or undefined when no span is active. */
export function activeTraceparent(): string | undefined {
  const written: Record<string, string> = {};
  w3c.inject(context.active(), written, {
    set: (target: Record<string, string>, key: string, value: string) => (target[key] = value),
  });
  return written[traceparentHeader];
}

/**
 * The context a stored `traceparent` names (an event's metadata), or undefined when it names none
 * or tracing is off.
 */
export function contextOfTraceparent(traceparent: unknown): Context | undefined {
  if (!tracingOn() || typeof traceparent !== 'string') return undefined;
  const extracted = w3c.extract(
    context.active(),
    { [traceparentHeader]: traceparent },
    recordGetter,
  );
  return trace.getSpanContext(extracted) ? extracted : undefined;
}
