import { EventTypes, currentSchemaVersion, eventTypesOf, isEventType } from './event-registry';

/** The public event names, group by group: users rely on them, so they never change. */
const contractTypes = {
  host: [
    'HostRegistered',
    'HostCapacityChanged',
    'HostSuspected',
    'HostDown',
    'HostRecovered',
    'HostCordoned',
    'HostUncordoned',
    'HostDrainBlocked',
    'HostDrainStarted',
    'HostDrainTimedOut',
    'HostDrained',
    'HostRetired',
  ],
  service: [
    'ServiceDefined',
    'ServiceUpdated',
    'ServiceDeployStarted',
    'ServiceAvailable',
    'ServiceDegraded',
    'ServiceStopped',
    'ServiceCopied',
    'ServiceDeleted',
    'ScaledOut',
    'ScaledIn',
  ],
  instance: [
    'InstanceRequested',
    'InstancePlaced',
    'PlacementFailed',
    'InstanceStarting',
    'InstanceRunning',
    'InstanceHealthy',
    'InstanceUnhealthy',
    'InstanceStopped',
    'InstanceFailed',
  ],
  migration: [
    'MigrationStarted',
    'MigrationPhaseCompleted',
    'MigrationCompleted',
    'MigrationFailed',
    'MigrationRolledBack',
  ],
  statistics: ['UsageRecorded'],
  forecast: ['CapacityForecasted'],
  budget: ['BudgetExceeded'],
} as const;

describe('event registry', () => {
  it.each(Object.entries(contractTypes))(
    'holds every public %s event type in its stream category',
    (category, types) => {
      for (const type of types) {
        expect(isEventType(type)).toBe(true);
        expect(EventTypes[type as keyof typeof EventTypes]).toMatchObject({
          category,
          contract: true,
        });
      }
    },
  );

  it('marks as contract only the public names', () => {
    const named = new Set<string>(Object.values(contractTypes).flat());
    const marked = Object.entries(EventTypes)
      .filter(([, info]) => info.contract)
      .map(([type]) => type);
    expect(marked.sort()).toEqual([...named].sort());
  });

  it('gives every type a data class and a positive schema version', () => {
    for (const info of Object.values(EventTypes)) {
      expect(typeof info.data).toBe('function');
      expect(Number.isInteger(info.schemaVersion) && info.schemaVersion >= 1).toBe(true);
    }
  });

  it('knows the current version of a type and nothing of unknown ones', () => {
    expect(currentSchemaVersion('InstancePlaced')).toBe(2);
    expect(currentSchemaVersion('HostRegistered')).toBe(1);
    expect(currentSchemaVersion('NoSuchThing')).toBeUndefined();
    expect(isEventType('toString')).toBe(false);
  });

  it('lists the types of one category', () => {
    expect(eventTypesOf('allocation')).toEqual(['HostAllocationChanged']);
    expect(eventTypesOf('migration')).toEqual([
      'MigrationStarted',
      'MigrationPhaseStarted',
      'MigrationPhaseCompleted',
      'MigrationCompleted',
      'MigrationFailed',
      'MigrationRollingBack',
      'MigrationRolledBack',
    ]);
  });
});
