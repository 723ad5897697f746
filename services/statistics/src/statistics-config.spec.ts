import { defaultStatisticsConsumer, loadStatisticsConfig } from './statistics-config';

describe('the statistics configuration', () => {
  it('names its durable consumer statistics-events unless told otherwise', () => {
    expect(loadStatisticsConfig({}).consumerName).toBe(defaultStatisticsConsumer);
    expect(loadStatisticsConfig({ FEDERA_STATISTICS_CONSUMER: 'stats-b' }).consumerName).toBe(
      'stats-b',
    );
  });

  it('refuses at start a consumer name NATS would refuse, naming the variable', () => {
    expect(() => loadStatisticsConfig({ FEDERA_STATISTICS_CONSUMER: 'stats.events' })).toThrow(
      /FEDERA_STATISTICS_CONSUMER must be 1 to 200 letters, digits/,
    );
  });
});
