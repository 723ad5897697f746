import { loadSheddingConfig, sheddingDefaults } from './shedding-config';

describe('shedding configuration', () => {
  it('uses the defaults when no variable is set', () => {
    expect(loadSheddingConfig({})).toEqual(sheddingDefaults);
  });

  it('reads each FEDERA_API_ variable, writes deriving their queue from the reads', () => {
    const config = loadSheddingConfig({
      FEDERA_API_READ_CONCURRENCY: '4',
      FEDERA_API_WRITE_CONCURRENCY: '0',
      FEDERA_API_LATENCY_TARGET_MS: '0',
      FEDERA_API_QUEUE_LENGTH: '10',
      FEDERA_API_QUEUE_MS: '200',
      FEDERA_API_STANDING_QUEUE_MS: '20',
    });
    expect(config.read).toMatchObject({
      concurrency: 4,
      latencyTargetMs: 0,
      queueLength: 10,
      queueMs: 200,
      standingQueueMs: 20,
    });
    expect(config.write).toMatchObject({
      concurrency: 0,
      latencyTargetMs: 0,
      queueLength: 5,
      queueMs: 2000,
      standingQueueMs: 2000,
    });
  });

  it('refuses a malformed value, naming its variable', () => {
    expect(() => loadSheddingConfig({ FEDERA_API_READ_CONCURRENCY: '-1' })).toThrow(
      'FEDERA_API_READ_CONCURRENCY must be a whole number (0 or more), got "-1"',
    );
    expect(() => loadSheddingConfig({ FEDERA_API_QUEUE_MS: 'soon' })).toThrow(
      /^FEDERA_API_QUEUE_MS must be a positive integer/,
    );
    expect(() =>
      loadSheddingConfig({ FEDERA_API_QUEUE_MS: '50', FEDERA_API_STANDING_QUEUE_MS: '60' }),
    ).toThrow('FEDERA_API_STANDING_QUEUE_MS (60) must not exceed FEDERA_API_QUEUE_MS (50)');
  });
});
