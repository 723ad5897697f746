import type { ProgressDisplay } from './progress-display';
import type { WaitOutcome } from './wait-outcome';

/** How `--wait` follows an action: what to read again, how it stands, what to show. */
export interface FollowSpec<T> {
  /** The object as the action's answer showed it. */
  first: T;
  /**
   * The object now (`GET` of the service, the migration); `signal` aborts when `timeoutMs`
   * passes, so that a request that hangs does not hold the wait past its timeout.
   */
  read: (signal: AbortSignal | undefined) => Promise<T>;
  outcome: (value: T) => WaitOutcome;
  progress: (value: T) => string;
  display: ProgressDisplay;
  /** Stop following after this long; undefined: until the action ends. */
  timeoutMs?: number;
  /** How often the object is read again. */
  pollMs: number;
}

/**
 * Reads the object again every `pollMs` until its outcome is no longer `going` or `timeoutMs`
 * passes, showing its progress each time; answers the last object read and how it stands then
 * (`going`: the timeout passed first, also while a read was still waiting for its answer).
 */
export async function followUntil<T>(
  spec: FollowSpec<T>,
): Promise<{ last: T; outcome: WaitOutcome }> {
  const until = spec.timeoutMs === undefined ? Infinity : Date.now() + spec.timeoutMs;
  const deadline = spec.timeoutMs === undefined ? undefined : new AbortController();
  const timer =
    deadline && setTimeout(() => deadline.abort(new Error('--timeout passed')), spec.timeoutMs);
  let last = spec.first;
  try {
    for (;;) {
      spec.display.show(spec.progress(last));
      const outcome = spec.outcome(last);
      if (outcome !== 'going' || Date.now() >= until) return { last, outcome };
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(spec.pollMs, until - Date.now())),
      );
      try {
        last = await spec.read(deadline?.signal);
      } catch (error) {
        if (deadline?.signal.aborted) return { last, outcome: 'going' };
        throw error;
      }
    }
  } finally {
    clearTimeout(timer);
    spec.display.end();
  }
}
