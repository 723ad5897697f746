import { upcast, validateEvent, type RecordedEvent } from '@federa/contracts';

/** The header line of `federa events export`: what it is, where it came from, how much it holds. */
export interface RecordingHeader {
  kind: 'federa-export';
  version: 1;
  exportedAt: string;
  /** The API the events were read from, without credentials. */
  source: string;
  /** The position of the last event exported: the log's end when the export read it. */
  head: number;
  /** How many event lines follow the header: a shorter file was cut off. */
  events: number;
  /** The export starts after this position (0: the whole log). */
  after: number;
}

/** A recorded event stream: its header and its events, in log order, each at its current schema. */
export interface Recording {
  header: RecordingHeader;
  events: RecordedEvent[];
}

/** A line of a recording that cannot be read: which line, which field, why. */
export class RecordingLineInvalid extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`line ${line}: ${field}: ${reason}`);
    this.name = 'RecordingLineInvalid';
  }
}

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const isTime = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * Reads the lines of a recording (numbered from 1), each checked as it comes: the header, then every
 * event with its envelope and its data checked against its type by the contracts' validators, in
 * strictly increasing positions; at the end, as many events as the header counts. The first line
 * that does not fit throws, naming its number and field.
 */
export function parseRecording(lines: Iterable<string>): Recording {
  let header: RecordingHeader | undefined;
  const events: RecordedEvent[] = [];
  let number = 0;
  for (const text of lines) {
    number++;
    if (text.trim() === '') {
      if (header === undefined) throw new RecordingLineInvalid(number, 'header', 'empty line');
      continue;
    }
    const value = parseJson(text, number);
    if (header === undefined) header = parseHeader(value, number);
    else events.push(parseEvent(value, number, events.at(-1)?.position ?? header.after));
  }
  if (header === undefined) throw new RecordingLineInvalid(1, 'header', 'the file is empty');
  if (events.length !== header.events) {
    throw new RecordingLineInvalid(
      number + 1,
      'events',
      `the header counts ${header.events} events, the file holds ${events.length}: it was cut off or added to`,
    );
  }
  return { header, events };
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RecordingLineInvalid(line, 'line', `not JSON (${(error as Error).message})`);
  }
}

function parseHeader(value: unknown, line: number): RecordingHeader {
  const fail = (field: string, reason: string) => new RecordingLineInvalid(line, field, reason);
  if (!isPlain(value)) throw fail('header', 'must be a JSON object');
  if (value.kind !== 'federa-export')
    throw fail('kind', 'must be "federa-export": the first line of `federa events export`');
  if (value.version !== 1) throw fail('version', `must be 1 (this replay reads version 1 only)`);
  if (!isTime(value.exportedAt)) throw fail('exportedAt', 'must be an ISO 8601 time');
  if (typeof value.source !== 'string') throw fail('source', 'must be a string');
  for (const field of ['head', 'events', 'after'] as const)
    if (!isCount(value[field])) throw fail(field, 'must be a non-negative integer');
  // A part of the log lacks the hosts and services defined before it: the replay would miss them
  // and the recorded outcome, folded from the part alone, would not be the recording's.
  if ((value.after as number) > 0)
    throw fail(
      'after',
      `the export starts after position ${value.after as number} (federa events export --after): replay needs the whole log, exported without --after`,
    );
  return value as unknown as RecordingHeader;
}

function parseEvent(value: unknown, line: number, previous: number): RecordedEvent {
  const fail = (field: string, reason: string) => new RecordingLineInvalid(line, field, reason);
  if (!isPlain(value)) throw fail('event', 'must be a JSON object');
  if (!isCount(value.position) || value.position < 1)
    throw fail('position', 'must be a positive integer');
  if (value.position <= previous)
    throw fail('position', `must be after the previous line's ${previous}: events in log order`);
  if (typeof value.streamId !== 'string' || !value.streamId.includes('-'))
    throw fail('streamId', 'must be a stream id, <category>-<id>');
  if (!isCount(value.streamVersion) || value.streamVersion < 1)
    throw fail('streamVersion', 'must be a positive integer');
  if (typeof value.type !== 'string') throw fail('type', 'must be an event type');
  if (!isTime(value.recordedAt)) throw fail('recordedAt', 'must be an ISO 8601 time');
  if (!isPlain(value.metadata) || typeof value.metadata.actor !== 'string')
    throw fail('metadata.actor', 'must be a string');
  const schemaVersion = value.schemaVersion as number;
  const [error] = validateEvent(value.type, schemaVersion, value.data);
  if (error) throw fail(error.path, error.reason);
  const current = upcast({ type: value.type, schemaVersion, data: value.data });
  return {
    ...(value as unknown as RecordedEvent),
    schemaVersion: current.schemaVersion,
    data: current.data,
  };
}
