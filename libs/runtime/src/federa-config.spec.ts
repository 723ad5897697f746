import { configDefaults, loadConfig, nonNegativeInt, positiveInt } from './federa-config';

describe('loadConfig', () => {
  it('takes a subject prefix of letters, digits, "_" and "-", and the default when unset', () => {
    expect(loadConfig({ FEDERA_SUBJECT_PREFIX: 'test_run-42' }).subjectPrefix).toBe('test_run-42');
    expect(loadConfig({}).subjectPrefix).toBe(configDefaults.subjectPrefix);
  });

  it.each(['fed.era', 'fed era', 'fed*', 'fed>'])(
    'refuses subject prefix %p naming FEDERA_SUBJECT_PREFIX',
    (prefix) => {
      expect(() => loadConfig({ FEDERA_SUBJECT_PREFIX: prefix })).toThrow(
        /^FEDERA_SUBJECT_PREFIX must be .*got/,
      );
    },
  );

  it('refuses a malformed number naming its variable', () => {
    expect(() => loadConfig({ FEDERA_HTTP_PORT: 'eighty' })).toThrow(/^FEDERA_HTTP_PORT/);
  });
});

describe('numbers read from the environment', () => {
  it('take a positive integer, the fallback when unset or empty, and refuse 0 naming the variable', () => {
    expect(positiveInt({ FEDERA_X: '7' }, 'FEDERA_X', 3)).toBe(7);
    expect(positiveInt({ FEDERA_X: '' }, 'FEDERA_X', 3)).toBe(3);
    expect(() => positiveInt({ FEDERA_X: '0' }, 'FEDERA_X', 3)).toThrow(
      'FEDERA_X must be a positive integer, got "0"',
    );
  });

  it('take a whole number, 0 included, and refuse a negative or fractional one naming the variable', () => {
    expect(nonNegativeInt({ FEDERA_X: '0' }, 'FEDERA_X', 3)).toBe(0);
    expect(nonNegativeInt({}, 'FEDERA_X', 3)).toBe(3);
    for (const raw of ['-1', '1.5', 'ten'])
      expect(() => nonNegativeInt({ FEDERA_X: raw }, 'FEDERA_X', 3)).toThrow(
        `FEDERA_X must be a whole number (0 or more), got "${raw}"`,
      );
  });
});
