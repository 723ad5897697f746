/** The variable that sets the smallest saving per hour a recommendation must bring. */
export const MIN_SAVING_VARIABLE = 'FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR';

/** FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR, 0.01 when unset; a bad value names its variable. */
export function minSavingFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env[MIN_SAVING_VARIABLE];
  if (text === undefined || text.trim() === '') return 0.01;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(
      `${MIN_SAVING_VARIABLE} must be a number of at least 0 (a cost per hour), got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
