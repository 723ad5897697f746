import type { EventUnion } from '@federa/contracts';

/** The event types of an `instance-<id>` stream, in the order of an instance's life. */
export const InstanceEventTypes = [
  'InstanceRequested',
  'InstancePlaced',
  'PlacementFailed',
  'InstanceStarting',
  'InstanceRunning',
  'InstanceHealthy',
  'InstanceUnhealthy',
  'InstanceStopRequested',
  'InstanceStopped',
  'InstanceFailed',
  'InstanceLost',
  'InstanceMigrating',
  'InstanceRelocated',
  'InstanceMigrationAborted',
] as const;
export type InstanceEventType = (typeof InstanceEventTypes)[number];

/** One event of an instance's stream, typed by its name. */
export type InstanceEvent = EventUnion<InstanceEventType>;

const names: ReadonlySet<string> = new Set(InstanceEventTypes);

/** Narrows a logged event to an instance event (a newer writer's unknown type is not one). */
export function isInstanceEvent(event: { type: string; data: unknown }): event is InstanceEvent {
  return names.has(event.type);
}
