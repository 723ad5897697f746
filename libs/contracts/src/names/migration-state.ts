/** States of a migration as `GET /v1/migrations` shows them, and the phases it goes through. */
export const MigrationStates = ['running', 'completed', 'failed', 'rolled-back'] as const;
export type MigrationState = (typeof MigrationStates)[number];

/** Cold: stop → copy data → start → verify. Live (qemu): transfer replaces stop and copy. */
export const MigrationPhases = ['reserve', 'stop', 'copy', 'transfer', 'start', 'verify'] as const;
export type MigrationPhase = (typeof MigrationPhases)[number];
