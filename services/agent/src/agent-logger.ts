import { pino, type Logger } from 'pino';

/** The agent's log: JSON lines on stderr, level from FEDERA_LOG_LEVEL (default info). */
export function agentLogger(name: string): Logger {
  return pino({ name, level: process.env.FEDERA_LOG_LEVEL || 'info' }, pino.destination(2));
}
