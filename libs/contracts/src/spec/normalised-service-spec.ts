import type { LayerKind } from '../names/layer-kind';
import type { ResourceKind } from '../names/resource-kind';
import type { ScalingMetric } from './scaling-spec';
import type { SpreadDomain } from './rule-spec';

/** Resources in base units: millicores, bytes, bits per second. */
export interface ResourceAmountsValue {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  bandwidthBps: number;
}

export type HealthProbe =
  { kind: 'http'; path: string; port?: number } | { kind: 'tcp'; port?: number } | { kind: 'none' };

export interface NormalisedHealth {
  /** `none`: the instance is healthy while its layer reports it running. */
  probe: HealthProbe;
  intervalMs: number;
  failureThreshold: number;
}

export interface NormalisedScaling {
  metric: ScalingMetric;
  scaleOutAbove: number;
  scaleInBelow: number;
  cooldownMs: number;
}

export interface NormalisedPlacement {
  emphasis: ResourceKind | null;
  minSecurityLevel: number;
  /** null: any site. */
  sites: string[] | null;
  relocatable: boolean;
}

export interface NormalisedArtifact {
  command?: string[];
  env?: Record<string, string>;
  cwd?: string;
  image?: string;
  args?: string[];
  domainXml?: string;
  memoryMiB?: number;
  diskSize?: string;
}

export interface NormalisedApplication {
  name: string;
  layer: LayerKind;
  artifact: NormalisedArtifact;
  resources: ResourceAmountsValue;
  replicas: { min: number; max: number };
  dependsOn: string[];
  health: NormalisedHealth;
  /** null: a fixed number of replicas (replicas.min). */
  scaling: NormalisedScaling | null;
  placement: NormalisedPlacement;
  /** null: nothing moves with the instance. */
  data: {
    path: string;
    sizeBytes: number | null;
    /** Absent: no periodic copies (specs written before copies existed, too). */
    backupEveryMs?: number;
  } | null;
}

export type NormalisedRule =
  { kind: 'antiAffinity'; apps: string[] } | { kind: 'spread'; over: SpreadDomain; apps: string[] };

/** The service's end-to-end probe with its defaults filled. */
export interface NormalisedServiceProbe {
  application: string;
  path: string;
  intervalMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

/** A validated spec as placement and supervision consume it: numbers, defaults filled, start order computed. */
export interface NormalisedServiceSpec {
  name: string;
  applications: NormalisedApplication[];
  rules: NormalisedRule[];
  budget: { maxCostPerHour: number | null };
  /** Application names, each after what it depends on; stop in reverse. */
  startOrder: string[];
  /** null (or absent, in specs normalised before it existed): no end-to-end probe. */
  serviceProbe?: NormalisedServiceProbe | null;
}

/** Defaults the spec documents (`@default`), in one place. */
export const SpecDefaults = {
  replicas: { min: 1, max: 1 },
  healthIntervalMs: 1000,
  healthFailureThreshold: 3,
  scalingCooldownMs: 30_000,
  minSecurityLevel: 0,
  relocatable: true,
  serviceProbe: { intervalMs: 5000, timeoutMs: 2000, failureThreshold: 2 },
} as const;
