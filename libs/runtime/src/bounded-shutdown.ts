import { Logger } from '@nestjs/common';

/** How long a stopping service waits for one of its connections to close before it goes on. */
export const shutdownStepMs = 10_000;

/** The parts of a pg Pool a shutdown needs. */
export interface EndablePool {
  end(): Promise<void>;
  readonly totalCount: number;
  readonly idleCount: number;
}

/** The parts of a NATS connection a shutdown needs. */
export interface DrainableConnection {
  drain(): Promise<void>;
  close(): Promise<void>;
  isClosed(): boolean;
}

type Warn = (message: string) => void;

/** The service's log (pino JSON once the app's logger is set). */
const warnInLog: Warn = (message) => new Logger('Shutdown').warn(message);

/**
 * Ends a service's Postgres pool, waiting at most `timeoutMs`. pg's end() waits for every checked-out
 * connection to come back: one held by work that never ends (a lost connection after an outage, a
 * handler stuck on another dependency) would keep the process from ever stopping, as a replica that
 * ignores SIGTERM. Past the bound it says how many were still out and goes on; the process's exit
 * closes their sockets.
 */
export async function endPoolWithin(
  pool: EndablePool,
  service: string,
  { timeoutMs = shutdownStepMs, warn = warnInLog }: { timeoutMs?: number; warn?: Warn } = {},
): Promise<void> {
  const ended = await settlesWithin(pool.end(), timeoutMs);
  if (!ended) {
    warn(
      `[${service}] stopping: ${pool.totalCount - pool.idleCount} Postgres connection(s) still in use after ${timeoutMs} ms; stopping without them`,
    );
  }
}

/**
 * Drains a service's NATS connection (what it received is answered, what it published is flushed),
 * waiting at most `timeoutMs`; past it, or when draining fails, the connection is closed outright.
 */
export async function drainWithin(
  nc: DrainableConnection,
  service: string,
  { timeoutMs = shutdownStepMs, warn = warnInLog }: { timeoutMs?: number; warn?: Warn } = {},
): Promise<void> {
  if (nc.isClosed()) return;
  const drained = await settlesWithin(
    nc.drain().catch(() => undefined),
    timeoutMs,
  );
  if (!drained) warn(`[${service}] stopping: NATS did not drain in ${timeoutMs} ms; closing it`);
  if (!nc.isClosed()) await nc.close().catch(() => undefined);
}

/** True when `work` settles (either way) within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
