import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from './gateway-config';

describe('loadGatewayConfig: the admin token', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads FEDERA_API_TOKEN_FILE without its trailing newline', () => {
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'from-the-file\n');
    expect(loadGatewayConfig({ FEDERA_API_TOKEN_FILE: file }).apiToken).toBe('from-the-file');
  });

  it('takes FEDERA_API_TOKEN over the file when both are set', () => {
    const file = join(dir, 'admin-token');
    writeFileSync(file, 'from-the-file\n');
    expect(
      loadGatewayConfig({ FEDERA_API_TOKEN: 'from-env', FEDERA_API_TOKEN_FILE: file }).apiToken,
    ).toBe('from-env');
  });

  it('stops at start naming the variable when the file is missing or empty', () => {
    expect(() => loadGatewayConfig({ FEDERA_API_TOKEN_FILE: join(dir, 'absent') })).toThrow(
      /^FEDERA_API_TOKEN_FILE: cannot read .*absent \(ENOENT\)$/,
    );
    const empty = join(dir, 'empty');
    writeFileSync(empty, ' \n');
    expect(() => loadGatewayConfig({ FEDERA_API_TOKEN_FILE: empty })).toThrow(
      `FEDERA_API_TOKEN_FILE: ${empty} is empty`,
    );
  });

  it('has no admin token when neither is set', () => {
    expect(loadGatewayConfig({}).apiToken).toBeUndefined();
  });
});
