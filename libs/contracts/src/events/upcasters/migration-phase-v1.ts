import { LegacyMigrationPhases } from '../../names/migration-state';

/**
 * MigrationPhaseCompleted and MigrationFailed v1 named phases `reserve`, `stop`, `copy`, `transfer`,
 * `start`, `verify`; v2 names them as the contract does (`choose-target`, `stop-source`, `export`,
 * `live-transfer`, `start-target`, `verify`). A v1 `copy` covered export and import: it reads as the
 * export, which carries the bytes.
 */
export function migrationPhaseV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  const phase = typeof data.phase === 'string' ? LegacyMigrationPhases[data.phase] : undefined;
  return phase ? { ...data, phase } : data;
}
