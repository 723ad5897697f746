/**
 * States of a migration as `GET /v1/migrations` shows them. `pending`: recorded, its target chosen,
 * nothing moved yet; `rolled-back`: it failed and the instance runs on its source again; `failed`: it
 * failed and could not be undone (the source is gone), the reason on the migration.
 */
export const MigrationStates = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
] as const;
export type MigrationState = (typeof MigrationStates)[number];

/**
 * The phases a migration goes through: `choose-target`, then `live-transfer` (qemu, both ends able) or
 * `stop-source`, `export`, `import`, `start-target` (cold), then `verify` and `release-source`. An
 * application without data starts on the target before its source stops (make before break), so its
 * `stop-source` comes after `verify`.
 */
export const MigrationPhases = [
  'choose-target',
  'live-transfer',
  'stop-source',
  'export',
  'import',
  'start-target',
  'verify',
  'release-source',
] as const;
export type MigrationPhase = (typeof MigrationPhases)[number];

/** `cold`: stop → copy → start; `live`: the layer moves the running instance (qemu). */
export const MigrationModes = ['cold', 'live'] as const;
export type MigrationMode = (typeof MigrationModes)[number];

/** The phase names of the first schema (`reserve`, `stop`, `copy`, …) as the current names. */
export const LegacyMigrationPhases: Readonly<Record<string, MigrationPhase>> = {
  reserve: 'choose-target',
  stop: 'stop-source',
  copy: 'export',
  transfer: 'live-transfer',
  start: 'start-target',
  verify: 'verify',
};
