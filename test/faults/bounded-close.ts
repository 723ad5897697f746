/**
 * Closes a part of a scenario, waiting at most `ms`: a part that does not close is named on stderr
 * and left behind, so that the scenario still ends the processes and backends it started after it
 * (a hook that waits out jest's timeout ends none of them). The run's --forceExit ends what is left.
 */
export async function closeWithin(
  part: string,
  close: () => Promise<void>,
  ms = 30_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    if ((await Promise.race([close().then(() => 'closed' as const), late])) === 'late')
      process.stderr.write(`${part} did not close within ${ms / 1000} s: left behind\n`);
  } finally {
    clearTimeout(timer);
  }
}
