import { isAfter, type UsageBatch } from './minute-accumulator';

/**
 * The part of a batch the stored marks do not cover yet. Batches of one writer raise each host's
 * mark in order, so a host whose stored mark is at or past the batch's was written already: by this
 * very batch when its COMMIT succeeded but reported an error. Its rows are left out, not added again.
 */
export function uncoveredPart(
  batch: UsageBatch,
  stored: ReadonlyMap<string, { epoch: number; seq: number }>,
): UsageBatch {
  const covered = new Set(
    batch.marks.filter((m) => !isAfter(m, stored.get(m.host))).map((m) => m.host),
  );
  if (covered.size === 0) return batch;
  const marks = batch.marks.filter((m) => !covered.has(m.host));
  return {
    minutes: batch.minutes.filter((row) => !covered.has(row.host)),
    marks,
    heartbeats: marks.reduce((n, m) => n + m.heartbeats, 0),
  };
}

/**
 * A batch of several hosts cut in two halves by host, each with its hosts' rows and marks: a batch
 * Postgres refuses for its data is written half by half, down to the one host whose figures it
 * refuses, so that one host cannot keep every other's usage out.
 */
export function splitByHost(batch: UsageBatch): [UsageBatch, UsageBatch] | undefined {
  if (batch.marks.length < 2) return undefined;
  const half = Math.ceil(batch.marks.length / 2);
  const partOf = (marks: UsageBatch['marks']): UsageBatch => {
    const hosts = new Set(marks.map((m) => m.host));
    return {
      minutes: batch.minutes.filter((row) => hosts.has(row.host)),
      marks,
      heartbeats: marks.reduce((n, m) => n + m.heartbeats, 0),
    };
  };
  return [partOf(batch.marks.slice(0, half)), partOf(batch.marks.slice(half))];
}
