import { logLevelOf, serviceLogOptions } from '@federa/runtime/service-logger';
import { pino, type Logger } from 'pino';

/**
 * The agent's log: JSON lines on stderr in every service's format (`service: agent`; `name` says
 * which agent), level from FEDERA_LOG_LEVEL (default info).
 */
export function agentLogger(name: string): Logger {
  return pino({ ...serviceLogOptions('agent', logLevelOf()), name }, pino.destination(2));
}
