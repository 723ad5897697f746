import type { FieldError, RecordedEvent } from '@federa/contracts';

/** Header carrying the event's global position, so consumers can tell without parsing the body. */
export const positionHeader = 'Federa-Position';

/** What a consumer makes of a message body: the event, or why it is not one. */
export type DecodedEvent = { ok: true; event: RecordedEvent } | { ok: false; errors: FieldError[] };

/** Parses and checks a relayed event (the contract's RecordedEvent shape), listing every bad field. */
export function decodeEventMessage(body: Uint8Array): DecodedEvent {
  let plain: unknown;
  try {
    plain = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return { ok: false, errors: [{ path: '', reason: 'is not JSON' }] };
  }
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: '', reason: 'must be an object' }] };
  }
  const e = plain as Record<string, unknown>;
  const errors: FieldError[] = [];
  const positiveInteger = (key: string) => {
    if (!Number.isSafeInteger(e[key]) || (e[key] as number) <= 0) {
      errors.push({ path: key, reason: 'must be a positive integer' });
    }
  };
  const nonEmptyString = (key: string) => {
    if (typeof e[key] !== 'string' || e[key] === '') {
      errors.push({ path: key, reason: 'must be a non-empty string' });
    }
  };
  positiveInteger('position');
  positiveInteger('streamVersion');
  positiveInteger('schemaVersion');
  nonEmptyString('streamId');
  nonEmptyString('type');
  nonEmptyString('eventId');
  nonEmptyString('recordedAt');
  if (!('data' in e)) errors.push({ path: 'data', reason: 'is required' });
  if (e.metadata === null || typeof e.metadata !== 'object') {
    errors.push({ path: 'metadata', reason: 'must be an object' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, event: plain as RecordedEvent };
}

export function encodeEventMessage(event: RecordedEvent): Uint8Array {
  return Buffer.from(JSON.stringify(event));
}
