import type { HostCapacityUnits, HostCostRates } from '../domain/host-attributes';

/** A host as `GET /v1/hosts` shows it (the public fields, plus cordoned and liveness details). */
export interface HostView {
  id: string;
  site: string;
  state: string;
  cordoned: boolean;
  layers: string[];
  capacity: HostCapacityUnits;
  allocated: HostCapacityUnits;
  securityLevel: number;
  costs: HostCostRates;
  features: { ups: boolean; raid: boolean };
  labels: Record<string, string>;
  lastHeartbeatAt: string | null;
  epoch: number;
  instances: number;
  /** Why the host was declared down: `dead` or `partitioned`; null unless down. */
  downCause: string | null;
  /** Set while the site's down budget holds back declaring this silent host down. */
  downDeferredUntil: string | null;
}

/** One page of `GET /v1/hosts`: pass `next` back as `after` for the following one. */
export interface HostPage {
  items: HostView[];
  next?: string;
}
