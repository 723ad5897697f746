import type { Resources } from './resources';

/** One instance's claim on one host, as recorded by `InstancePlaced` in `allocation-<host>`. */
export interface Allocation {
  instance: string;
  service: string;
  app: string;
  host: string;
  resources: Resources;
  costPerHour: number;
  /** Application keys that may not join this instance on its host (its anti-affinity, kept symmetric). */
  excludes: readonly string[];
  relocatable: boolean;
  /** Log position of the InstancePlaced that made this claim (an upper bound until it is read back). */
  placedAt?: number;
}
