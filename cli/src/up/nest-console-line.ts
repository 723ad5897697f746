import { stripVTControlCharacters } from 'node:util';

/** A log line as pino would have written it: enough for pino-pretty to render. */
export interface LogRecord {
  level: number;
  time: number;
  context?: string;
  msg: string;
}

/** pino's numbers for Nest's level names. */
const levels: Record<string, number> = {
  VERBOSE: 10,
  DEBUG: 20,
  LOG: 30,
  WARN: 40,
  ERROR: 50,
  FATAL: 60,
};

// `[Nest] 123  - 11/26/2026, 1:24:07 AM     LOG [Context] message +12ms` (colours stripped first).
const nestLine =
  /^\[Nest\]\s+\d+\s+-\s+.+?\s+(VERBOSE|DEBUG|LOG|WARN|ERROR|FATAL)\s+(?:\[([^\]]*)\]\s+)?(.*?)(?:\s+\+\d+ms)?$/;

/**
 * A line of Nest's default ConsoleLogger as a log record, or undefined for any other line. The
 * time is `now`: the line's own date is in the service's locale, and it arrives as it is written.
 */
export function parseNestConsoleLine(line: string, now = Date.now()): LogRecord | undefined {
  const match = nestLine.exec(stripVTControlCharacters(line));
  if (!match) return undefined;
  const [, level, context, msg] = match;
  return { level: levels[level], time: now, ...(context ? { context } : {}), msg };
}
