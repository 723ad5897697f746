/** The control-plane services that own state and answer commands over NATS. */
export const OwningServices = [
  'inventory',
  'placement',
  'supervision',
  'migration',
  'statistics',
] as const;
export type OwningService = (typeof OwningServices)[number];
