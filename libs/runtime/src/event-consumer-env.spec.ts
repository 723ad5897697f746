import { eventConsumerSettingsFromEnv } from './event-consumer-env';

describe('the durable consumer settings read from the environment', () => {
  it('set nothing when no variable is set, so that each consumer keeps its default', () => {
    expect(eventConsumerSettingsFromEnv({})).toEqual({});
    expect(
      eventConsumerSettingsFromEnv({
        FEDERA_CONSUMER_ACK_WAIT: '',
        FEDERA_CONSUMER_MAX_DELIVER: '',
      }),
    ).toEqual({});
  });

  it('take a duration as ack wait and a count, or -1 for no limit, as max deliver', () => {
    expect(
      eventConsumerSettingsFromEnv({
        FEDERA_CONSUMER_ACK_WAIT: '1m30s',
        FEDERA_CONSUMER_MAX_DELIVER: '10',
      }),
    ).toEqual({ ackWaitMs: 90_000, maxDeliver: 10 });
    expect(eventConsumerSettingsFromEnv({ FEDERA_CONSUMER_MAX_DELIVER: '-1' })).toEqual({
      maxDeliver: -1,
    });
  });

  it.each(['30', '30 s', '1.5m', '-30s', 'soon'])(
    'refuse ack wait %p naming the variable',
    (raw) => {
      expect(() => eventConsumerSettingsFromEnv({ FEDERA_CONSUMER_ACK_WAIT: raw })).toThrow(
        `FEDERA_CONSUMER_ACK_WAIT must be a duration like 30s, 2m or 1m30s, got ${JSON.stringify(raw)}`,
      );
    },
  );

  it('refuse an ack wait of no time at all', () => {
    expect(() => eventConsumerSettingsFromEnv({ FEDERA_CONSUMER_ACK_WAIT: '0s' })).toThrow(
      'FEDERA_CONSUMER_ACK_WAIT must be at least 1s, got "0s"',
    );
  });

  it.each(['0', '-2', '2.5', 'five'])('refuse max deliver %p naming the variable', (raw) => {
    expect(() => eventConsumerSettingsFromEnv({ FEDERA_CONSUMER_MAX_DELIVER: raw })).toThrow(
      `FEDERA_CONSUMER_MAX_DELIVER must be a whole number of deliveries from 1, or -1 for no limit, got ${JSON.stringify(raw)}`,
    );
  });
});
