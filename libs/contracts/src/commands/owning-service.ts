/** The control-plane services that own state and answer commands (ARCHITECTURE.md, 'Components'). */
export const OwningServices = [
  'inventory',
  'placement',
  'supervision',
  'migration',
  'statistics',
] as const;
export type OwningService = (typeof OwningServices)[number];
