/** The four resources an application asks for and a host offers, in base units. */
export interface Resources {
  /** millicores */
  cpu: number;
  /** bytes */
  memory: number;
  /** bytes */
  storage: number;
  /** bits per second */
  bandwidth: number;
}

export const resourceKinds = ['cpu', 'memory', 'storage', 'bandwidth'] as const;
export type ResourceKind = (typeof resourceKinds)[number];

/** A fresh all-zero resource vector. */
export function noResources(): Resources {
  return { cpu: 0, memory: 0, storage: 0, bandwidth: 0 };
}

/** Adds `delta` times `sign` into `into`, in place. */
export function addResources(into: Resources, delta: Resources, sign: 1 | -1 = 1): void {
  into.cpu += sign * delta.cpu;
  into.memory += sign * delta.memory;
  into.storage += sign * delta.storage;
  into.bandwidth += sign * delta.bandwidth;
}
