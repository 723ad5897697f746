import { AsyncLocalStorage } from 'node:async_hooks';

/** The header a command carries its correlation id in (the gateway's request id, passed on). */
export const correlationIdHeader = 'Federa-Correlation-Id';

/** The gateway's request id format: anything else is not written to every log line of a command. */
const correlationIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** `value` as a correlation id, or undefined when it is none (too long, outside the charset). */
export function acceptedCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && correlationIdPattern.test(value) ? value : undefined;
}

/** What the lines logged while handling one command or event share. */
interface LogContext {
  correlationId: string;
}

const context = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` so that every line it logs, however deep and however late (awaits included), carries
 * `correlationId`, and every command it sends passes it on; without an acceptable one, `work` runs
 * as it is.
 */
export function withCorrelationId<T>(correlationId: string | undefined, work: () => T): T {
  const accepted = acceptedCorrelationId(correlationId);
  return accepted ? context.run({ correlationId: accepted }, work) : work();
}

/** The correlation id of the request, command or event being handled here, if any. */
export function currentCorrelationId(): string | undefined {
  return context.getStore()?.correlationId;
}
