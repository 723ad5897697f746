import { activeTraceparent, injectTraceContext, tracingOn } from '@federa/runtime/tracing';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

/**
 * NATS headers carrying the active span's context (`traceparent`) to whoever answers; undefined
 * when tracing is off or no span is active, so that the message goes without headers as before.
 */
export function traceHeaders(): MsgHdrs | undefined {
  if (!tracingOn() || !activeTraceparent()) return undefined;
  const headers = natsHeaders();
  injectTraceContext(headers);
  return headers;
}
