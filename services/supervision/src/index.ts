/**
 * Supervision's public entry, for the CLI, benchmarks and other services' tests. It loads no Nest
 * module: the application is main.ts (tests that run supervision in process import its module).
 */
export { loadSupervisionSettings, type SupervisionSettings } from './supervision-config';
export { supervisionLeaseName } from './supervisor/supervision-lease-name';
/** The fold of instance events supervision's view is, for tests that read the log themselves. */
export { evolveInstance, isLive, type InstanceView } from './domain/instance-view';
/** The fold of a service's stream, for a replay that computes the outcome a recording ended with. */
export {
  evolveService,
  initialServiceState,
  type ServiceEvent,
  type ServiceState,
} from './domain/service-decider';
