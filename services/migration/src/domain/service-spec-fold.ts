import type { ServiceSpec } from '@federa/contracts';

/** The events that give a service its spec: its definition, each update, and a copy's first event. */
const specEvents: ReadonlySet<string> = new Set([
  'ServiceDefined',
  'ServiceUpdated',
  'ServiceCopied',
]);

/** The spec an event gives its service, or undefined when it gives none. */
export function specOf(event: { type: string; data: unknown }): ServiceSpec | undefined {
  return specEvents.has(event.type) ? (event.data as { spec: ServiceSpec }).spec : undefined;
}

/** The service's latest spec, from its stream's events in order (undefined before any). */
export function latestSpec(
  events: readonly { type: string; data: unknown }[],
): ServiceSpec | undefined {
  let spec: ServiceSpec | undefined;
  for (const event of events) spec = specOf(event) ?? spec;
  return spec;
}
