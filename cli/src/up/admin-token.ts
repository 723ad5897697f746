import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiToken } from '../../../services/gateway/src';

/** The admin token of a local cluster and where it came from. */
export interface AdminToken {
  token: string;
  source: 'FEDERA_API_TOKEN' | 'file';
  file?: string;
}

/**
 * FEDERA_API_TOKEN when set; otherwise the token in `<stateDir>/token`, created (random, 0600) on
 * first use so that it stays the same across restarts and the CLI finds it.
 */
export function adminToken(stateDir: string, env = process.env): AdminToken {
  if (env.FEDERA_API_TOKEN) return { token: env.FEDERA_API_TOKEN, source: 'FEDERA_API_TOKEN' };
  const file = join(stateDir, 'token');
  const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (existing) return { token: existing, source: 'file', file };
  mkdirSync(stateDir, { recursive: true });
  const token = generateApiToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'file', file };
}
