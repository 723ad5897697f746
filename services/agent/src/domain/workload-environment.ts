import {
  endpointsVariableName,
  endpointsVariableValue,
  isReservedWorkloadVariable,
  WorkloadVariables,
  type ServiceEndpoints,
} from '@federa/contracts';

/**
 * The agent's own variables a workload inherits: what a program needs to run (search path, locale,
 * time zone, who runs it), nothing else. The agent's environment holds the bus URL and credentials,
 * the database URL, the API token, NODE_OPTIONS and whatever its operator set: none of it is the
 * workload's (docs/security/workloads.md).
 */
export const INHERITED_VARIABLES: readonly string[] = [
  'PATH',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  // Not a secret: the example applications' capacity, which `FEDERA_CAPACITY_RPS=20 federa up`
  // must still reach (docs/reference/configuration.md).
  'FEDERA_CAPACITY_RPS',
];

/** Every `LC_*` locale variable is inherited too. */
const LOCALE_VARIABLE = /^LC_[A-Z]+$/;

/** The search path of a workload whose agent has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the agent tells one instance about itself and its service. */
export interface WorkloadFacts {
  service: string;
  instance: string;
  app: string;
  dataDir: string;
  /** The instance's own HOME and TMPDIR: never the agent's, whose files (a `~/.federa`) are not its. */
  homeDir: string;
  tmpDir: string;
  port: number;
  /** The service spec's `env` for the application. */
  env?: Record<string, string>;
  /** The service's endpoints at start (the start command's, or the newest the agent holds). */
  endpoints?: ServiceEndpoints;
  /** Where the workload reads the service's endpoints as they change (FEDERA_DISCOVERY_URL). */
  discoveryUrl?: string;
}

/**
 * The environment of a workload, built from nothing: the allow-listed inherited variables (PATH
 * defaulting to DEFAULT_PATH), HOME and TMPDIR in the instance's own directory, then the
 * application's `env`, then what Federa sets, which the spec cannot override (a spec that tries is
 * refused, and an older one stored before that rule is overridden here): PORT, FEDERA_SERVICE,
 * FEDERA_APPLICATION, FEDERA_INSTANCE, FEDERA_DATA_DIR, FEDERA_ENDPOINTS_<APP> for every application
 * of the service (its own included, empty when none serves) and FEDERA_DISCOVERY_URL.
 */
export function workloadEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  facts: WorkloadFacts,
): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  for (const [name, value] of Object.entries(inherited)) {
    if (!value) continue;
    if (INHERITED_VARIABLES.includes(name) || LOCALE_VARIABLE.test(name)) env[name] = value;
  }
  env.HOME = facts.homeDir;
  env.TMPDIR = facts.tmpDir;
  for (const [name, value] of Object.entries(facts.env ?? {})) {
    if (!isReservedWorkloadVariable(name)) env[name] = value;
  }
  Object.assign(env, endpointsVariables(facts.app, facts.endpoints));
  if (facts.discoveryUrl) env[WorkloadVariables.discoveryUrl] = facts.discoveryUrl;
  env[WorkloadVariables.port] = String(facts.port);
  env[WorkloadVariables.service] = facts.service;
  env[WorkloadVariables.application] = facts.app;
  env[WorkloadVariables.instance] = facts.instance;
  env[WorkloadVariables.dataDir] = facts.dataDir;
  return env;
}

/**
 * FEDERA_ENDPOINTS_<APP> = `address:port,...` for every application the set names, and for the
 * workload's own application even when the set does not name it or there is no set yet (an empty
 * list, never unset, so that an application without dependencies reads a valid, empty value).
 */
export function endpointsVariables(
  app: string,
  endpoints: ServiceEndpoints | undefined,
): Record<string, string> {
  const variables: Record<string, string> = { [endpointsVariableName(app)]: '' };
  for (const application of endpoints?.applications ?? []) {
    variables[endpointsVariableName(application.name)] = endpointsVariableValue(
      application.instances,
    );
  }
  return variables;
}

/** The newer of two sets of the same service (either may be missing). */
export function newerEndpoints(
  a: ServiceEndpoints | undefined,
  b: ServiceEndpoints | undefined,
): ServiceEndpoints | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.version > a.version ? b : a;
}
