import type { RecordingHeader } from '../replay/domain/recording';

/** The first line of an export: what it is, where it came from, how much it holds. */
export type ExportHeader = RecordingHeader;

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
