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

describe('the statistics consumer and stream settings', () => {
  it('leave the consumer and the stream to their defaults when no variable is set', () => {
    const config = loadStatisticsConfig({});
    expect(config.consumer).toEqual({});
    expect(config.streamSettings).toEqual({});
  });

  it('read the ack wait, max deliver and the stream settings from the environment', () => {
    const config = loadStatisticsConfig({
      FEDERA_CONSUMER_ACK_WAIT: '2m',
      FEDERA_CONSUMER_MAX_DELIVER: '20',
      FEDERA_STREAM_REPLICAS: '3',
    });
    expect(config.consumer).toEqual({ ackWaitMs: 120_000, maxDeliver: 20 });
    expect(config.streamSettings).toEqual({ replicas: 3 });
  });

  it('refuse at start a malformed ack wait, naming the variable', () => {
    expect(() => loadStatisticsConfig({ FEDERA_CONSUMER_ACK_WAIT: '30' })).toThrow(
      /^FEDERA_CONSUMER_ACK_WAIT must be a duration/,
    );
  });
});
