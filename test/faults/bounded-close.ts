/**
 * Closes a part of a scenario, waiting at most `ms`: a part that does not close, or whose close
 * fails, is named on stderr (with its error) and left behind, and this still resolves, so that the
 * scenario goes on to end the processes and backends it started after it (a hook that waits out
 * jest's timeout, or stops at the first error, ends none of them). The run's --forceExit ends what
 * is left.
 */
export async function closeWithin(
  part: string,
  close: () => Promise<void> | void,
  ms = 30_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    const closed = Promise.resolve()
      .then(close)
      .then(() => 'closed' as const);
    if ((await Promise.race([closed, late])) === 'late')
      process.stderr.write(`${part} did not close within ${ms / 1000} s: left behind\n`);
  } catch (error) {
    process.stderr.write(`${part} failed to close: ${(error as Error)?.stack ?? error}\n`);
  } finally {
    clearTimeout(timer);
  }
}

/** One step of a scenario's close: what it releases, and how. */
export type CloseStep = [part: string, close: () => Promise<void> | void, ms?: number];

/**
 * Runs every step of a scenario's close in order, each bounded by closeWithin: a step that fails or
 * hangs does not keep the ones after it (a throwaway cluster, a NATS server, a namespace, a
 * database) from being released. The whole takes at most the sum of the steps' bounds.
 */
export async function closeEach(steps: CloseStep[]): Promise<void> {
  for (const [part, close, ms] of steps) await closeWithin(part, close, ms);
}
