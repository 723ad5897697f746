/** How `federa up` shows its services' logs: readable lines, or as written (`--log-format json`). */
export type LogFormat = 'pretty' | 'json';
export const logFormats: LogFormat[] = ['pretty', 'json'];
