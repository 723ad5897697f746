import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl } from './database-url';
import { ConfigurationError } from './federa-config';

const NAME = 'FEDERA_DATABASE_URL';
const FALLBACK = 'postgres://postgres@127.0.0.1:5432/federa';

describe('databaseUrl', () => {
  let dir: string;
  let ca: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'federa-database-url-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'a CA');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const read = (value: string | undefined) => databaseUrl({ [NAME]: value }, NAME, FALLBACK);

  it('answers the fallback when the variable is unset or empty', () => {
    expect(read(undefined)).toBe(FALLBACK);
    expect(read('')).toBe(FALLBACK);
  });

  it('answers a URL with verify-full and a readable CA as given', () => {
    const url = `postgres://federa@db.example:5432/federa?sslmode=verify-full&sslrootcert=${ca}`;
    expect(read(url)).toBe(url);
  });

  it('takes the forms the pg client takes that a URL parser refuses', () => {
    expect(read('postgres://federa@/federa?host=/run/postgresql')).toBe(
      'postgres://federa@/federa?host=/run/postgresql',
    );
  });

  it('refuses an sslmode the pg client would ignore, naming the variable', () => {
    expect(() => read('postgres://db.example/federa?sslmode=verify_full')).toThrow(
      new ConfigurationError(
        'FEDERA_DATABASE_URL: sslmode must be one of disable, prefer, require, verify-ca, verify-full, no-verify, got "verify_full"',
      ),
    );
  });

  it('refuses a CA file that cannot be read, naming the variable and the parameter', () => {
    expect(() =>
      read(`postgres://db.example/federa?sslmode=verify-full&sslrootcert=${join(dir, 'none.pem')}`),
    ).toThrow(
      /^FEDERA_DATABASE_URL: sslrootcert must name a readable file, got ".*none\.pem" \(ENOENT/,
    );
  });

  it('refuses a client certificate without its key', () => {
    expect(() => read(`postgres://db.example/federa?sslmode=verify-full&sslcert=${ca}`)).toThrow(
      'FEDERA_DATABASE_URL: sslcert and sslkey must be given together',
    );
  });
});
