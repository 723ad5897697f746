/** Public service states (docs/reference/rest-api.md). */
export const ServiceStates = [
  'defined',
  'deploying',
  'available',
  'degraded',
  'stopping',
  'stopped',
  'failed',
] as const;
export type ServiceState = (typeof ServiceStates)[number];
