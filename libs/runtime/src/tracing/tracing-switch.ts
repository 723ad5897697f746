/**
 * Whether this process records spans. Off (the default), every traced place runs its code as it
 * would without tracing, after this one check: no span objects, no context switch, no header.
 */
let on = false;

export function tracingOn(): boolean {
  return on;
}

/** Set once by startTracing or installTracing; a provider, once registered, stays for the process. */
export function switchTracingOn(): void {
  on = true;
}
