import { parseRecording, RecordingLineInvalid } from './recording';
import { RecordedLog } from './recorded-events.fixture';

const header = (events: number) =>
  JSON.stringify({
    kind: 'federa-export',
    version: 1,
    exportedAt: '2026-01-01T00:00:00Z',
    source: 'http://127.0.0.1:8080',
    head: events,
    events,
    after: 0,
  });

const failureOf = (lines: string[]): RecordingLineInvalid => {
  try {
    parseRecording(lines);
  } catch (error) {
    return error as RecordingLineInvalid;
  }
  throw new Error('the recording was read');
};

describe('parseRecording', () => {
  const events = new RecordedLog().host('h1').host('h2').events;

  it('reads the header and the events in order', () => {
    const recording = parseRecording([header(2), ...events.map((e) => JSON.stringify(e))]);
    expect(recording.header.events).toBe(2);
    expect(recording.events.map((e) => e.position)).toEqual([1, 2]);
  });

  it('names the line and the field of an event whose data does not fit its type', () => {
    const bad = { ...events[1], data: { ...(events[1].data as object), securityLevel: -1 } };
    const error = failureOf([header(2), JSON.stringify(events[0]), JSON.stringify(bad)]);
    expect(error).toBeInstanceOf(RecordingLineInvalid);
    expect(error.message).toMatch(/^line 3: data\.securityLevel: /);
  });

  it('refuses a file without the export header, a line that is no JSON, and events out of order', () => {
    expect(failureOf(['{"kind":"other"}']).message).toMatch(/^line 1: kind: /);
    expect(failureOf([header(1), 'garbage']).message).toMatch(/^line 2: line: not JSON/);
    const [first, second] = events.map((e) => JSON.stringify(e));
    expect(failureOf([header(2), second, first]).message).toMatch(/^line 3: position: /);
    expect(failureOf([header(1), JSON.stringify({ ...events[0], type: 'Nope' })]).message).toBe(
      'line 2: type: unknown event type "Nope"',
    );
  });

  it('refuses a file cut off before the events its header counts', () => {
    expect(failureOf([header(2), JSON.stringify(events[0])]).message).toMatch(
      /^line 3: events: the header counts 2 events, the file holds 1/,
    );
  });

  it('refuses a partial export made with --after, which lacks what came before it', () => {
    const partial = JSON.stringify({ ...JSON.parse(header(0)), after: 5000 });
    expect(failureOf([partial]).message).toMatch(
      /^line 1: after: the export starts after position 5000 .*without --after/,
    );
  });
});
