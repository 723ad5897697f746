import { prettyFactory } from 'pino-pretty';
import { demoUserAgent } from './demo-api';
import type { LogFormat } from './log-format';
import { parseNestConsoleLine, type LogRecord } from './nest-console-line';

/** Turns one line of a child's output into what is printed (several lines, perhaps), or drops it. */
export type LogLineRenderer = (line: string) => string | undefined;

/** Nest's start-up chatter (modules loaded, routes mapped, started): one line per route or module. */
const frameworkContexts = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
]);
const infoLevel = 30;

/** pino-http's request log, as the gateway writes it. */
interface RequestLog {
  req?: { method?: string; url?: string; headers?: Record<string, unknown> };
  res?: { statusCode?: number };
  responseTime?: number;
}

/**
 * The renderer for `format`: `json` passes every line through; `pretty` renders pino JSON lines (the
 * one format of every service: the line's `service` is left out, the prefix names the process) and
 * Nest console lines as `[HH:MM:ss.l] LEVEL: [context] message {extra fields}`, a request as
 * `METHOD url → status (ms)`, drops Nest's start-up chatter below warning level and the demo's own
 * polling (its GET requests), and passes other lines (a workload's output, a stack trace) through.
 */
export function createLogLineRenderer(
  format: LogFormat,
  options: { colour: boolean },
): LogLineRenderer {
  if (format === 'json') return (line) => line;
  const pretty = prettyFactory({
    colorize: options.colour,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,service,context,req,res,responseTime',
    singleLine: true,
    messageFormat: (log, messageKey) => {
      const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
      return `${context}${requestSummary(log as RequestLog) ?? String(log[messageKey] ?? '')}`;
    },
  });
  return (line) => {
    const record = pinoRecord(line) ?? parseNestConsoleLine(line);
    if (!record) return line;
    if (isChatter(record) || isDemoPolling(record as RequestLog)) return undefined;
    return pretty(record).replace(/\s+$/, '');
  };
}

function isChatter(record: LogRecord): boolean {
  return (
    typeof record.context === 'string' &&
    frameworkContexts.has(record.context) &&
    record.level <= infoLevel
  );
}

function isDemoPolling(log: RequestLog): boolean {
  return log.req?.method === 'GET' && log.req.headers?.['user-agent'] === demoUserAgent;
}

/** The line as a pino record (a JSON object with a numeric level and time), or undefined. */
function pinoRecord(line: string): (LogRecord & Record<string, unknown>) | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    return typeof value.level === 'number' && typeof value.time === 'number'
      ? (value as LogRecord & Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function requestSummary(log: RequestLog): string | undefined {
  if (!log.req?.method || !log.res) return undefined;
  const took = typeof log.responseTime === 'number' ? ` (${log.responseTime} ms)` : '';
  return `${log.req.method} ${log.req.url ?? ''} → ${log.res.statusCode ?? '?'}${took}`;
}
