/**
 * What the agent sets in every workload's environment, by name: the port it must listen on, its
 * identity, its data directory and where its service's endpoints are. An application's `env` cannot
 * set these (the spec is refused naming the variable): an instance must never be told it is another,
 * nor be sent elsewhere than where its service's endpoints are.
 * (docs/reference/configuration.md#what-a-workload-receives)
 */
export const WorkloadVariables = {
  port: 'PORT',
  service: 'FEDERA_SERVICE',
  application: 'FEDERA_APPLICATION',
  instance: 'FEDERA_INSTANCE',
  dataDir: 'FEDERA_DATA_DIR',
  discoveryUrl: 'FEDERA_DISCOVERY_URL',
} as const;

/** `FEDERA_ENDPOINTS_<APP>`: one per application of the service, all set by the agent. */
export const ENDPOINTS_VARIABLE_PREFIX = 'FEDERA_ENDPOINTS_';

const RESERVED: ReadonlySet<string> = new Set(Object.values(WorkloadVariables));

/** True when `name` is one the agent sets for every workload (never the spec's to set). */
export function isReservedWorkloadVariable(name: string): boolean {
  return RESERVED.has(name) || name.startsWith(ENDPOINTS_VARIABLE_PREFIX);
}
