/** The resources an instance holds on its host, as events carry them. */
export interface HeldResources {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  bandwidthBps: number;
}

/** One placement of an instance on a host (statistics.instances), open while `endedAt` is null. */
export interface PlacementInterval {
  instance: string;
  /** Position of the event that opened it: its key. */
  openedBy: number;
  service: string;
  app: string;
  host: string;
  layer: string;
  resources: HeldResources;
  costPerHour: number;
  placedAt: string;
}

/** The instance events that open or close a placement interval, with the fields read. */
export type IntervalEvent =
  | {
      type: 'InstancePlaced';
      data: {
        instance: string;
        service: string;
        app: string;
        host: string;
        layer: string;
        resources: HeldResources;
        costPerHour: number;
      };
    }
  | { type: 'InstanceRelocated' | 'InstanceMigrationAborted'; data: { host: string } }
  | { type: 'InstanceStopped' | 'InstanceFailed' | 'PlacementFailed' };

export const intervalEventTypes: readonly IntervalEvent['type'][] = [
  'InstancePlaced',
  'InstanceRelocated',
  'InstanceMigrationAborted',
  'InstanceStopped',
  'InstanceFailed',
  'PlacementFailed',
];

/** What one event does to an instance's intervals: close the open one, then open another. */
export interface IntervalChange {
  close?: { at: string; closedBy: number };
  open?: PlacementInterval;
}

/**
 * The change one event makes, given the instance's open interval (if any). A placement opens one;
 * a relocation (or an aborted move that leaves the instance on another host than recorded) closes
 * it and opens the next on the new host with the same resources; the end of the instance closes it.
 * Anything else, and a move to where it already is, changes nothing.
 */
export function intervalChange(
  open: PlacementInterval | undefined,
  event: IntervalEvent,
  at: string,
  position: number,
): IntervalChange {
  switch (event.type) {
    case 'InstancePlaced': {
      const d = event.data;
      if (open && open.host === d.host) return {};
      return {
        ...(open ? { close: { at, closedBy: position } } : {}),
        open: {
          instance: d.instance,
          openedBy: position,
          service: d.service,
          app: d.app,
          host: d.host,
          layer: d.layer,
          resources: { ...d.resources },
          costPerHour: d.costPerHour,
          placedAt: at,
        },
      };
    }
    case 'InstanceRelocated':
    case 'InstanceMigrationAborted':
      if (!open || open.host === event.data.host) return {};
      return {
        close: { at, closedBy: position },
        open: { ...open, openedBy: position, host: event.data.host, placedAt: at },
      };
    default:
      return open ? { close: { at, closedBy: position } } : {};
  }
}
