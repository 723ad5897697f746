import type {
  HostCapacityChangedData,
  HostCordonedData,
  HostDownData,
  HostDownEvidence,
  HostDownRateLimitedData,
  HostDrainedData,
  HostDrainStartedData,
  HostRecoveredData,
  HostRegisteredData,
  HostRetiredData,
  HostSuspectedData,
  HostUncordonedData,
} from '@federa/contracts';

/** Liveness as the host's events record it; `ready` also stands for "recovered". */
export type Liveness = 'ready' | 'suspect' | 'down';

/** Why inventory declared a host down: the second signal (its lease) tells a death from a partition. */
export type DownCause = 'dead' | 'partitioned';

export type DownEvidence = HostDownEvidence;

/** Every event of a `host-<id>` stream (data as libs/contracts defines it), as the decider emits and folds them. */
export type HostEvent =
  | { type: 'HostRegistered'; data: HostRegisteredData }
  | { type: 'HostRecovered'; data: HostRecoveredData }
  | { type: 'HostCapacityChanged'; data: HostCapacityChangedData }
  | { type: 'HostSuspected'; data: HostSuspectedData }
  | { type: 'HostDown'; data: HostDownData }
  | { type: 'HostDownRateLimited'; data: HostDownRateLimitedData }
  | { type: 'HostCordoned'; data: HostCordonedData }
  | { type: 'HostUncordoned'; data: HostUncordonedData }
  | { type: 'HostDrainStarted'; data: HostDrainStartedData }
  | { type: 'HostDrained'; data: HostDrainedData }
  | { type: 'HostRetired'; data: HostRetiredData };
