import { minSavingFromEnv } from './recommend-min-saving';

describe('the smallest saving a recommendation must bring', () => {
  it('is 0.01 per hour unless set', () => {
    expect(minSavingFromEnv({})).toBe(0.01);
    expect(minSavingFromEnv({ FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR: '0.5' })).toBe(0.5);
  });

  it('refuses a value that is not a cost, naming the variable', () => {
    for (const bad of ['cheap', '-1', 'Infinity']) {
      expect(() => minSavingFromEnv({ FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR: bad })).toThrow(
        'FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR must be a number of at least 0',
      );
    }
  });
});
