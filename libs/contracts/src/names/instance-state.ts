/** CONTRACT.md instance states. */
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
