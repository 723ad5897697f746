import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveApiOptions } from './api-client';

describe('api client options', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'federa-cli-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('defaults to the local gateway on FEDERA_HTTP_PORT or 8080', () => {
    expect(resolveApiOptions(undefined, {}, cwd).baseUrl).toBe('http://127.0.0.1:8080');
    expect(resolveApiOptions(undefined, { FEDERA_HTTP_PORT: '9090' }, cwd).baseUrl).toBe(
      'http://127.0.0.1:9090',
    );
  });

  it('prefers --api to FEDERA_API_URL and drops a trailing slash', () => {
    const env = { FEDERA_API_URL: 'http://env:1' };
    expect(resolveApiOptions('http://flag:2/', env, cwd).baseUrl).toBe('http://flag:2');
    expect(resolveApiOptions(undefined, env, cwd).baseUrl).toBe('http://env:1');
  });

  it('takes the token from FEDERA_API_TOKEN, else from .federa/token', () => {
    expect(resolveApiOptions(undefined, {}, cwd).token).toBeUndefined();
    mkdirSync(join(cwd, '.federa'));
    writeFileSync(join(cwd, '.federa', 'token'), 'fed_from_file\n');
    expect(resolveApiOptions(undefined, {}, cwd).token).toBe('fed_from_file');
    expect(resolveApiOptions(undefined, { FEDERA_API_TOKEN: 'fed_env' }, cwd).token).toBe(
      'fed_env',
    );
  });
});
