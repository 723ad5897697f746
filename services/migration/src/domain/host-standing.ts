import type { LayerKind } from '@federa/contracts';

/** What a migration needs of a host: the epoch its commands carry, whether it runs anything now. */
export interface HostStanding {
  epoch: number;
  up: boolean;
  layers: readonly LayerKind[];
}

/** Folds a `host-<id>` stream's events into its standing; undefined before it registered. */
export function hostStanding(
  events: readonly { type: string; data: unknown }[],
): HostStanding | undefined {
  let standing: HostStanding | undefined;
  for (const { type, data } of events) {
    const d = data as { epoch?: number; layers?: LayerKind[] };
    if (type === 'HostRegistered') {
      standing = { epoch: d.epoch ?? 1, up: true, layers: d.layers ?? [] };
    } else if (standing && type === 'HostRecovered') {
      standing = { ...standing, epoch: d.epoch ?? standing.epoch, up: true };
    } else if (standing && (type === 'HostDown' || type === 'HostRetired')) {
      standing = { ...standing, up: false };
    }
  }
  return standing;
}
