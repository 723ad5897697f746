import { configDefaults, loadConfig } from './federa-config';

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
