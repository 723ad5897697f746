import { resolve } from 'node:path';

/** The build output (`dist/`) this CLI runs from: `dist/cli/src/dist-root.js` → `dist`. */
export const distRoot = resolve(__dirname, '..', '..');

/** Where `federa up` keeps its state (token, embedded Postgres, NATS data): `./.federa`. */
export function stateDir(cwd = process.cwd()): string {
  return resolve(cwd, '.federa');
}
