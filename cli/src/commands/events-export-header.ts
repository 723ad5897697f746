/** The first line of an export: what it is, where it came from, how much it holds. */
export interface ExportHeader {
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

/** The API's URL as a header may name it: without user, password, query or fragment. */
export function sourceWithoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable API URL)';
  }
}

export function exportHeader(fields: Omit<ExportHeader, 'kind' | 'version'>): ExportHeader {
  return { kind: 'federa-export', version: 1, ...fields };
}
