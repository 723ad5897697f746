import {
  configDefaults,
  durableName,
  intAtLeast,
  loadConfig,
  nonNegativeInt,
  positiveInt,
  positiveNumberUpTo,
} from './federa-config';

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

  it('take an integer of at least a minimum, and refuse a smaller or fractional one naming the variable', () => {
    expect(intAtLeast({ FEDERA_X: '100' }, 'FEDERA_X', 100, 60_000)).toBe(100);
    expect(intAtLeast({}, 'FEDERA_X', 100, 60_000)).toBe(60_000);
    for (const raw of ['99', '150.5', 'soon'])
      expect(() => intAtLeast({ FEDERA_X: raw }, 'FEDERA_X', 100, 60_000)).toThrow(
        `FEDERA_X must be an integer of 100 or more, got "${raw}"`,
      );
  });

  it('take a number above 0 up to a maximum, and refuse one outside naming the variable', () => {
    expect(positiveNumberUpTo({ FEDERA_X: '2.5' }, 'FEDERA_X', 365, 7)).toBe(2.5);
    expect(positiveNumberUpTo({ FEDERA_X: '' }, 'FEDERA_X', 365, 7)).toBe(7);
    for (const raw of ['0', '366', 'Infinity', 'week'])
      expect(() => positiveNumberUpTo({ FEDERA_X: raw }, 'FEDERA_X', 365, 7)).toThrow(
        `FEDERA_X must be a number above 0 and at most 365, got "${raw}"`,
      );
  });
});

describe('a durable consumer name read from the environment', () => {
  it('takes letters, digits, "_" and "-", and refuses what NATS forbids naming the variable', () => {
    expect(durableName({ FEDERA_C: 'stats_2-b' }, 'FEDERA_C', 'statistics-events')).toBe(
      'stats_2-b',
    );
    expect(durableName({}, 'FEDERA_C', 'statistics-events')).toBe('statistics-events');
    for (const raw of ['a.b', 'a*', 'a>', 'a b', 'a/b'])
      expect(() => durableName({ FEDERA_C: raw }, 'FEDERA_C', 'x')).toThrow(
        `FEDERA_C must be 1 to 200 letters, digits, "_" or "-" (a JetStream durable name), got ${JSON.stringify(raw)}`,
      );
  });
});
