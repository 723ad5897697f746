import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentCorrelationId } from './log-context';

export interface ServiceLoggerOptions {
  /** pino level; @default FEDERA_LOG_LEVEL, else `info` */
  level?: string;
  /** Where lines go; @default standard output */
  destination?: DestinationStream;
}

/** The level FEDERA_LOG_LEVEL names, `info` when it is unset or empty. */
export function logLevelOf(env: NodeJS.ProcessEnv = process.env): string {
  return env.FEDERA_LOG_LEVEL || 'info';
}

/**
 * Every Federa process's log format: one JSON line each with `level`, `time`, `service`, `msg`, and
 * `correlationId` while a command or event that has one is being handled (withCorrelationId).
 */
export function serviceLogOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service, pid: process.pid, hostname: hostname() },
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
  };
}

/** A service's pino logger in the shared format (serviceLogOptions). */
export function serviceLogger(service: string, options: ServiceLoggerOptions = {}): Logger {
  return pino(
    serviceLogOptions(service, options.level ?? logLevelOf()),
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
