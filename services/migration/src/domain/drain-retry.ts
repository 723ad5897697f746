/**
 * How long a drain waits, after a move of its rolled back for a transient reason, before it moves
 * the instance again: one entry per retry, so a drain tries an instance at most this many times
 * more (four moves in all) before it lists it as blocked, waiting for the operator
 * (docs/adr/drain-evacuation.md §4). Spaced out so that an agent slowed by load, or a target host
 * that went quiet for a moment, has time to recover before the next attempt asks it again.
 */
export const drainRetryBackoffMs: readonly number[] = [5_000, 15_000, 45_000];

/**
 * The phrases in which a migration records that an end did not answer in time, as the migration
 * runner and its agent ends write them (`<phase>: <message>`): a request the agent did not answer
 * (a timeout, no responders), a command whose outcome never came, an end whose host the log no
 * longer has up. The agent was not heard from: nothing says the same move would fail again, and
 * the next one may go to another host.
 */
const unanswered = [
  /^agent \S+ did not answer \S+: /,
  /^\S+ on \S+: no outcome in \d+ ms$/,
  /^host \S+ is not up$/,
];

/** `verify` gave up with the target's agent not answering its probes: the same as above. */
const notHealthyInTime = /^\S+ not healthy on \S+ in time: (.*)$/s;

/** A phase name as the migration prefixes its reasons with (`start-target: …`). */
const phasePrefix = /^[a-z]+(?:-[a-z]+)*: /;

/**
 * Whether a rolled-back move's recorded reason says only that an end did not answer in time, so
 * that moving the instance again is worth it. An agent that answered with a failure (an import
 * that failed, an application that started but never became healthy) would most likely fail the
 * same way: that is for the operator to look at.
 */
export function isTransientRollback(reason: string): boolean {
  const message = reason.replace(phasePrefix, '');
  if (unanswered.some((pattern) => pattern.test(message))) return true;
  const lastProbe = notHealthyInTime.exec(message)?.[1];
  return lastProbe !== undefined && unanswered.some((pattern) => pattern.test(lastProbe));
}

/** One of the drain's own moves of an instance that ended, as the retry rule reads it. */
export interface EndedMove {
  migration: string;
  status: 'succeeded' | 'failed' | 'rolled-back';
  why?: string;
  /** When the log recorded its end (ms since the epoch); unknown: not retried. */
  endedAt?: number;
}

/** What the drain does with an instance after its latest move ended without moving it. */
export type RetryDecision =
  | { kind: 'retry' }
  | { kind: 'wait'; until: number; reason: string }
  | { kind: 'blocked'; reason: string };

/**
 * Whether an instance this drain already tried to move (`moves`: the drain's moves of it, oldest
 * first, the latest ended) is moved again, now or after its backoff, or listed as blocked. Derived
 * from the log alone (which moves, their reasons, the recorded time of their end), so that a new
 * leader decides the same. A move that failed stays blocked: the instance may not be where the log
 * had it before.
 */
export function retryAfter(moves: readonly EndedMove[], now: number): RetryDecision {
  const last = moves.at(-1)!;
  const verb = last.status === 'failed' ? 'failed' : 'was rolled back';
  const what = `its move ${verb} (migration ${last.migration}): ${last.why ?? 'no reason given'}`;
  if (last.status !== 'rolled-back' || !isTransientRollback(last.why ?? '')) {
    return { kind: 'blocked', reason: what };
  }
  const attempts = moves.length;
  const backoff = drainRetryBackoffMs[attempts - 1];
  if (backoff === undefined) {
    return {
      kind: 'blocked',
      reason: `${what}; the drain moved it ${attempts} times and tries no more`,
    };
  }
  if (last.endedAt === undefined) return { kind: 'blocked', reason: what };
  const until = last.endedAt + backoff;
  if (now >= until) return { kind: 'retry' };
  return {
    kind: 'wait',
    until,
    reason: `${what}; moved again from ${new Date(until).toISOString()} (attempt ${attempts + 1} of ${drainRetryBackoffMs.length + 1})`,
  };
}
