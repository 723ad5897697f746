import { streamCategory, ValidationFailed, type FieldError } from '@federa/contracts';
import type { StreamAppend } from '../event-store';
import type { CheckedStreamAppend } from '../schema/append-to-streams';
import { checkNewEvents, type CheckedEvent } from './check-new-events';
import type { EventValidator } from './event-validator';

/**
 * Checks a multi-stream append before it touches the database: every event of every stream, each
 * expected version, no stream twice, no event id twice. Throws ValidationFailed listing every error
 * (paths `appends[i]...`).
 */
export function checkStreamAppends(
  appends: StreamAppend[],
  validate: EventValidator,
  newId: () => string,
): CheckedStreamAppend[] {
  if (!Array.isArray(appends) || appends.length === 0) {
    throw new ValidationFailed(
      [{ path: 'appends', reason: 'must be a non-empty array' }],
      'appends',
    );
  }
  const errors: FieldError[] = [];
  const streams = new Set<string>();
  const eventIds = new Set<string>();
  const metadataVerdicts = new Map<unknown, FieldError[]>();
  const checked = appends.map((append, i): CheckedStreamAppend => {
    const at = `appends[${i}]`;
    const streamId = append?.streamId;
    if (streams.has(streamId)) errors.push({ path: `${at}.streamId`, reason: 'appears twice' });
    streams.add(streamId);
    const expectedVersion = expectedVersionOf(append?.expected);
    if (expectedVersion === undefined) {
      errors.push({
        path: `${at}.expected`,
        reason: "must be a version (integer >= 0), 'no-stream' or 'any'",
      });
    }
    let events: CheckedEvent[] = [];
    try {
      events = checkNewEvents(streamId, append?.events, validate, newId, metadataVerdicts);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      for (const e of error.errors) errors.push({ path: `${at}.${e.path}`, reason: e.reason });
    }
    events.forEach((event, j) => {
      if (eventIds.has(event.eventId)) {
        errors.push({ path: `${at}.events[${j}].eventId`, reason: 'appears twice in the batch' });
      }
      eventIds.add(event.eventId);
    });
    return {
      streamId,
      category: typeof streamId === 'string' ? streamCategory(streamId) : '',
      expectedVersion: expectedVersion ?? null,
      events,
    };
  });
  if (errors.length > 0) throw new ValidationFailed(errors, 'appends');
  return checked;
}

/**
 * The expected versions given when a prepared append is sent, one per stream in the order prepared
 * (null for 'any'); throws ValidationFailed naming each bad one (paths `expected[i]`).
 */
export function checkExpectedVersions(
  expected: readonly unknown[],
  streams: number,
): (number | null)[] {
  if (!Array.isArray(expected) || expected.length !== streams) {
    throw new ValidationFailed(
      [{ path: 'expected', reason: `must give one expected version per stream (${streams})` }],
      'expected',
    );
  }
  const errors: FieldError[] = [];
  const versions = expected.map((e, i) => {
    const version = expectedVersionOf(e);
    if (version === undefined) {
      errors.push({
        path: `expected[${i}]`,
        reason: "must be a version (integer >= 0), 'no-stream' or 'any'",
      });
    }
    return version ?? null;
  });
  if (errors.length > 0) throw new ValidationFailed(errors, 'expected');
  return versions;
}

/** null for 'any', 0 for 'no-stream', the version itself; undefined when it is none of these. */
export function expectedVersionOf(expected: unknown): number | null | undefined {
  if (expected === 'any') return null;
  if (expected === 'no-stream') return 0;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) {
    return expected;
  }
  return undefined;
}
