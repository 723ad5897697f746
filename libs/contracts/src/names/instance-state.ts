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
  /** Its host is unreachable; it is neither replaced nor known dead. */
  'lost',
] as const;
export type InstanceState = (typeof InstanceStates)[number];
