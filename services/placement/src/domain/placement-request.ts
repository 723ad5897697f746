import type { ResourceKind, Resources } from './resources';

/** A spread rule resolved for one instance: keep the listed applications evenly over sites or hosts. */
export interface SpreadRule {
  over: 'site' | 'host';
  /** Application keys (`service/app`). */
  apps: readonly string[];
}

/**
 * What placement needs to know to place one instance, with the service's rules already resolved to
 * application keys (`service/app`; see `appKey`).
 */
export interface PlacementRequest {
  instance: string;
  service: string;
  app: string;
  layer: string;
  resources: Resources;
  /** The resource to favour headroom of when scoring. */
  emphasis?: ResourceKind;
  /** @default 0 (any) */
  minSecurityLevel?: number;
  /** Allowed sites; absent or empty = any. */
  sites?: readonly string[];
  /** false: once placed, the instance stays on its host. @default true */
  relocatable?: boolean;
  /** Applications (keys) this instance must never share a host with (its own key included when the rule lists it). */
  antiAffinity: readonly string[];
  spread: readonly SpreadRule[];
  /** The service's budget: its total cost per hour after this placement must stay within it. */
  maxCostPerHour?: number;
}

/** `shop` + `web` → `shop/web`: how applications are named across services. */
export function appKey(service: string, app: string): string {
  return `${service}/${app}`;
}
