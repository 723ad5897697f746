import type { AgentHeartbeat, FieldError } from '@federa/contracts';

/** The part of an AgentHeartbeat that inventory reads. */
export type HeartbeatFields = Pick<AgentHeartbeat, 'host' | 'epoch' | 'seq' | 'sentAt'>;

/**
 * Checks the fields inventory reads from a heartbeat, naming each bad one. Deliberately not the
 * full class-validator pass over AgentHeartbeat: that costs ~180 µs a message, a core and a half
 * at 10,000 hosts, for usage and instance fields that inventory never reads (their readers check them).
 */
export function checkHeartbeatFields(
  plain: unknown,
  subjectHost: string,
): { ok: true; value: HeartbeatFields } | { ok: false; errors: FieldError[] } {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: '', reason: 'must be an object' }] };
  }
  const { host, epoch, seq, sentAt } = plain as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof host !== 'string') errors.push({ path: 'host', reason: 'must be a string' });
  else if (host !== subjectHost) {
    errors.push({ path: 'host', reason: `must match the subject's host ${subjectHost}` });
  }
  if (!Number.isInteger(epoch) || (epoch as number) < 1) {
    errors.push({ path: 'epoch', reason: 'must be an integer of at least 1' });
  }
  if (!Number.isInteger(seq) || (seq as number) < 1) {
    errors.push({ path: 'seq', reason: 'must be an integer of at least 1' });
  }
  if (!Number.isInteger(sentAt) || (sentAt as number) < 0) {
    errors.push({ path: 'sentAt', reason: 'must be a time in ms since the Unix epoch' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      host: host as string,
      epoch: epoch as number,
      seq: seq as number,
      sentAt: sentAt as number,
    },
  };
}
