import type { ClassConstructor } from 'class-transformer';
import { HostAllocationChangedData } from './allocation-events';
import {
  HostCapacityChangedData,
  HostCordonedData,
  HostDownData,
  HostDownRateLimitedData,
  HostDrainBlockedData,
  HostDrainedData,
  HostDrainStartedData,
  HostDrainTimedOutData,
  HostRecoveredData,
  HostRegisteredData,
  HostRetiredData,
  HostSuspectedData,
  HostUncordonedData,
} from './host-events';
import {
  InstanceFailedData,
  InstanceHealthyData,
  InstanceLostData,
  InstanceMigratingData,
  InstanceMigrationAbortedData,
  InstancePlacedData,
  InstanceRelocatedData,
  InstanceRequestedData,
  InstanceRunningData,
  InstanceStartingData,
  InstanceStopRequestedData,
  InstanceStoppedData,
  InstanceUnhealthyData,
  PlacementFailedData,
} from './instance-events';
import {
  MigrationCompletedData,
  MigrationFailedData,
  MigrationPhaseCompletedData,
  MigrationPhaseStartedData,
  MigrationRolledBackData,
  MigrationRollingBackData,
  MigrationStartedData,
} from './migration-events';
import {
  ScaledInData,
  ScaledOutData,
  ServiceAvailableData,
  ServiceCopiedData,
  ServiceDefinedData,
  ServiceDegradedData,
  ServiceDeletedData,
  ServiceDeployStartedData,
  ServiceFailedData,
  ServiceStopStartedData,
  ServiceStoppedData,
  ServiceUpdatedData,
} from './service-events';
import {
  BudgetExceededData,
  BudgetRestoredData,
  CapacityForecastedData,
  UsageRecordedData,
} from './statistics-events';
import type { StreamCategory } from './stream-ids';

export interface EventTypeInfo {
  /** The class-validator class of the event's `data` at the current schema version. */
  data: ClassConstructor<object>;
  /** The category of the streams this event is appended to. */
  category: StreamCategory;
  /** The current schema version; older stored versions are brought here by upcasters. */
  schemaVersion: number;
  /** A public name users rely on (fixed); false for internal types and extensions. */
  contract: boolean;
}

const contract = <C extends ClassConstructor<object>, S extends StreamCategory>(
  data: C,
  category: S,
  schemaVersion = 1,
) => ({
  data,
  category,
  schemaVersion,
  contract: true as const,
});
const extension = <C extends ClassConstructor<object>, S extends StreamCategory>(
  data: C,
  category: S,
  schemaVersion = 1,
) => ({
  data,
  category,
  schemaVersion,
  contract: false as const,
});

/**
 * Every event type: the public names, plus documented extensions (states the contract lists but
 * names no event for, and internal ledgers). InstancePlaced is at v2: v1 carried one `score` number.
 * InstanceRunning is at v2: v1's `endpoint` was `host:port` text. UsageRecorded is at v2: v1 covered
 * one minute, v2 one hour.
 */
export const EventTypes = {
  HostRegistered: contract(HostRegisteredData, 'host'),
  HostCapacityChanged: contract(HostCapacityChangedData, 'host'),
  HostSuspected: contract(HostSuspectedData, 'host'),
  HostDown: contract(HostDownData, 'host'),
  HostRecovered: contract(HostRecoveredData, 'host'),
  HostCordoned: contract(HostCordonedData, 'host'),
  HostUncordoned: contract(HostUncordonedData, 'host'),
  HostDrainStarted: contract(HostDrainStartedData, 'host'),
  HostDrainBlocked: contract(HostDrainBlockedData, 'host'),
  HostDrainTimedOut: contract(HostDrainTimedOutData, 'host'),
  HostDrained: contract(HostDrainedData, 'host'),
  HostRetired: contract(HostRetiredData, 'host'),
  HostDownRateLimited: extension(HostDownRateLimitedData, 'host'),
  HostAllocationChanged: extension(HostAllocationChangedData, 'allocation'),

  ServiceDefined: contract(ServiceDefinedData, 'service'),
  ServiceUpdated: contract(ServiceUpdatedData, 'service'),
  ServiceDeployStarted: contract(ServiceDeployStartedData, 'service'),
  ServiceAvailable: contract(ServiceAvailableData, 'service'),
  ServiceDegraded: contract(ServiceDegradedData, 'service'),
  ServiceStopStarted: extension(ServiceStopStartedData, 'service'),
  ServiceStopped: contract(ServiceStoppedData, 'service'),
  ServiceFailed: extension(ServiceFailedData, 'service'),
  ServiceCopied: contract(ServiceCopiedData, 'service'),
  ServiceDeleted: contract(ServiceDeletedData, 'service'),
  ScaledOut: contract(ScaledOutData, 'service'),
  ScaledIn: contract(ScaledInData, 'service'),

  InstanceRequested: contract(InstanceRequestedData, 'instance'),
  InstancePlaced: contract(InstancePlacedData, 'instance', 2),
  PlacementFailed: contract(PlacementFailedData, 'instance'),
  InstanceStarting: contract(InstanceStartingData, 'instance'),
  InstanceRunning: contract(InstanceRunningData, 'instance', 2),
  InstanceHealthy: contract(InstanceHealthyData, 'instance'),
  InstanceUnhealthy: contract(InstanceUnhealthyData, 'instance'),
  InstanceStopRequested: extension(InstanceStopRequestedData, 'instance'),
  InstanceStopped: contract(InstanceStoppedData, 'instance'),
  InstanceFailed: contract(InstanceFailedData, 'instance'),
  InstanceLost: extension(InstanceLostData, 'instance'),
  InstanceMigrating: extension(InstanceMigratingData, 'instance'),
  InstanceRelocated: extension(InstanceRelocatedData, 'instance'),
  InstanceMigrationAborted: extension(InstanceMigrationAbortedData, 'instance'),

  MigrationStarted: contract(MigrationStartedData, 'migration'),
  MigrationPhaseStarted: extension(MigrationPhaseStartedData, 'migration'),
  MigrationPhaseCompleted: contract(MigrationPhaseCompletedData, 'migration', 2),
  MigrationCompleted: contract(MigrationCompletedData, 'migration'),
  MigrationFailed: contract(MigrationFailedData, 'migration', 2),
  MigrationRollingBack: extension(MigrationRollingBackData, 'migration'),
  MigrationRolledBack: contract(MigrationRolledBackData, 'migration'),

  UsageRecorded: contract(UsageRecordedData, 'statistics', 2),
  CapacityForecasted: contract(CapacityForecastedData, 'forecast'),
  BudgetExceeded: contract(BudgetExceededData, 'budget'),
  BudgetRestored: extension(BudgetRestoredData, 'budget'),
} satisfies Record<string, EventTypeInfo>;

export type EventTypeName = keyof typeof EventTypes;

/** The `data` shape of an event type at its current version. */
export type EventDataOf<T extends EventTypeName> = InstanceType<(typeof EventTypes)[T]['data']>;

/** An event of one type as a decider sees it: its name and typed data, without the log's bookkeeping. */
export interface EventOf<T extends EventTypeName> {
  type: T;
  data: EventDataOf<T>;
}

/** Every event of the given types, as a union a switch on `type` narrows. */
export type EventUnion<T extends EventTypeName> = { [K in T]: EventOf<K> }[T];

export function isEventType(type: string): type is EventTypeName {
  return Object.prototype.hasOwnProperty.call(EventTypes, type);
}

/** The current schema version of a type, or undefined for a type this build does not know. */
export function currentSchemaVersion(type: string): number | undefined {
  return isEventType(type) ? EventTypes[type].schemaVersion : undefined;
}

/** Names of the event types of one stream category. */
export function eventTypesOf(category: StreamCategory): EventTypeName[] {
  return (Object.keys(EventTypes) as EventTypeName[]).filter(
    (t) => EventTypes[t].category === category,
  );
}
