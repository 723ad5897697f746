import { currentSchemaVersion } from './event-registry';
import { UpcasterRegistry, type Upcaster, type VersionedEvent } from './upcaster-registry';
import { instancePlacedV1ToV2 } from './upcasters/instance-placed-v1';
import { instanceRunningV1ToV2 } from './upcasters/instance-running-v1';
import { migrationPhaseV1ToV2 } from './upcasters/migration-phase-v1';
import { usageRecordedV1ToV2 } from './upcasters/usage-recorded-v1';

/** The process-wide registry, holding every upcaster of the contract. */
export const upcasters = new UpcasterRegistry(currentSchemaVersion);
upcasters.register('InstancePlaced', 1, instancePlacedV1ToV2);
upcasters.register('InstanceRunning', 1, instanceRunningV1ToV2);
upcasters.register('MigrationPhaseCompleted', 1, migrationPhaseV1ToV2);
upcasters.register('MigrationFailed', 1, migrationPhaseV1ToV2);
upcasters.register('UsageRecorded', 1, usageRecordedV1ToV2);

/** Adds a step fromVersion → fromVersion + 1 for a type to the process-wide registry. */
export function registerUpcaster(type: string, fromVersion: number, upcaster: Upcaster): void {
  upcasters.register(type, fromVersion, upcaster);
}

/** A stored event brought to its type's current schema version (see UpcasterRegistry.upcast). */
export function upcast<E extends VersionedEvent>(event: E): E {
  return upcasters.upcast(event);
}
