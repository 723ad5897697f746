/** CONTRACT.md service states. */
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
