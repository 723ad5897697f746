/** One run of the service probe: what the agent answered (or why it could not), and when. */
export interface ProbeAttempt {
  passed: boolean;
  reason?: string;
  /** ISO time of the attempt. */
  at: string;
}

/** The result health goes by: passed, or failed with why; `at` is when it first said so. */
export interface ProbeResult {
  result: 'passed' | 'failed';
  at: string;
  reason?: string;
}

/** The probe's recent history for one service: failures in a row, and the result health goes by. */
export interface ProbeTally {
  failuresInARow: number;
  /** Undefined until the first pass, or until `failureThreshold` failures in a row. */
  current?: ProbeResult;
  /** The last failure's reason, while failures go on (it may say it in other words each time). */
  latestReason?: string;
}

/**
 * Counts one attempt. A pass is the result at once; a failure becomes the result only at the
 * `failureThreshold`-th in a row (one lost answer does not degrade a service). A result that says
 * the same as before keeps its `at` and its reason, so that the log hears only of changes: a
 * failing chain's words vary from run to run (which endpoints were tried), its result does not.
 * The newest words are kept apart, in `latestReason`.
 */
export function tallyProbe(
  tally: ProbeTally | undefined,
  attempt: ProbeAttempt,
  failureThreshold: number,
): ProbeTally {
  const before = tally?.current;
  if (attempt.passed) {
    const current: ProbeResult =
      before?.result === 'passed' ? before : { result: 'passed', at: attempt.at };
    return { failuresInARow: 0, current };
  }
  const failuresInARow = (tally?.failuresInARow ?? 0) + 1;
  const latestReason = attempt.reason ?? 'unknown';
  if (failuresInARow < failureThreshold) return { failuresInARow, current: before, latestReason };
  const current: ProbeResult =
    before?.result === 'failed'
      ? before
      : { result: 'failed', at: attempt.at, reason: latestReason };
  return { failuresInARow, current, latestReason };
}

/** Whether health must be told: the result (passed, failed, none yet) differs. */
export function resultChanged(
  before: ProbeResult | undefined,
  after: ProbeResult | undefined,
): boolean {
  return before?.result !== after?.result;
}
