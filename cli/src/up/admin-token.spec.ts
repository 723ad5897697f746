import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken } from './admin-token';

describe('admin token of a local cluster', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'federa-up-')), '.federa');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('uses FEDERA_API_TOKEN as is and writes nothing', () => {
    expect(adminToken(dir, { FEDERA_API_TOKEN: 'given' })).toEqual({
      token: 'given',
      source: 'FEDERA_API_TOKEN',
    });
  });

  it('creates a private token file once and reuses it', () => {
    const first = adminToken(dir, {});
    expect(first.token).toMatch(/^fed_/);
    expect(readFileSync(join(dir, 'token'), 'utf8').trim()).toBe(first.token);
    expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o600);
    expect(adminToken(dir, {}).token).toBe(first.token);
  });
});
