import type { EventUnion, HostDownEvidence } from '@federa/contracts';

/** Liveness as the host's events record it; `ready` also stands for "recovered". */
export type Liveness = 'ready' | 'suspect' | 'down';

/** Why inventory declared a host down: the second signal (its lease) tells a death from a partition. */
export type DownCause = 'dead' | 'partitioned';

export type DownEvidence = HostDownEvidence;

/** Every event of a `host-<id>` stream (data as libs/contracts defines it), as the decider emits and folds them. */
export type HostEvent = EventUnion<
  | 'HostRegistered'
  | 'HostRecovered'
  | 'HostCapacityChanged'
  | 'HostSuspected'
  | 'HostDown'
  | 'HostDownRateLimited'
  | 'HostCordoned'
  | 'HostUncordoned'
  | 'HostDrainStarted'
  | 'HostDrainBlocked'
  | 'HostDrainTimedOut'
  | 'HostDrained'
  | 'HostRetired'
>;
