import type { InstancePlacedData, PlacementFailedData } from '@federa/contracts';
import { recordOfFailed, recordOfPlaced, type PlacementRecord } from './placement-record';

/** An event the records read: InstancePlaced or PlacementFailed at its log position. */
interface DecisionEvent {
  type: string;
  data: unknown;
  position: number;
}

/**
 * The latest placement decision about each instance, from the log and from placement's own commits.
 * Kept as the events that say it and written out when asked: most are never asked about.
 */
export class PlacementRecords {
  private readonly latest = new Map<string, DecisionEvent>();

  of(instance: string): PlacementRecord | undefined {
    const event = this.latest.get(instance);
    if (!event) return undefined;
    return event.type === 'InstancePlaced'
      ? recordOfPlaced(event.data as InstancePlacedData, event.position)
      : recordOfFailed(event.data as PlacementFailedData, event.position);
  }

  /** Records an InstancePlaced or PlacementFailed (other events change nothing); an older one never replaces a newer. */
  fold(event: DecisionEvent): void {
    if (event.type !== 'InstancePlaced' && event.type !== 'PlacementFailed') return;
    const instance = (event.data as { instance: string }).instance;
    const known = this.latest.get(instance);
    if (known && known.position >= event.position) return;
    this.latest.set(instance, { type: event.type, data: event.data, position: event.position });
  }
}
