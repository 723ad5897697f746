/**
 * The pino part of service logging alone, as `@federa/runtime/service-logger`: what the agent and
 * libraries below Nest (the event log pool) log with, without loading Nest through the runtime's index.
 */
export { logLevelOf, serviceLogger, serviceLogOptions } from './logging/service-logger';
export type { ServiceLoggerOptions } from './logging/service-logger';
// The log context, for the command client (below the runtime's index) to pass a request's id on.
export {
  correlationIdHeader,
  currentCorrelationId,
  withCorrelationId,
} from './logging/log-context';
