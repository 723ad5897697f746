/** Public instance states (docs/reference/rest-api.md). */
export const InstanceStates = [
  'pending',
  'placed',
  'starting',
  'running',
  'healthy',
  'unhealthy',
  'stopping',
  'stopped',
  'migrating',
  'failed',
] as const;
export type InstanceState = (typeof InstanceStates)[number];
