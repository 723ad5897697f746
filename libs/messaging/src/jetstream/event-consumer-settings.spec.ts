import { nanos } from 'nats';
import { planEventConsumerChange } from './event-consumer-settings';

describe('bringing an existing durable consumer to its settings', () => {
  it('keeps a consumer that has them already', () => {
    expect(
      planEventConsumerChange(
        { ack_wait: nanos(30_000), max_deliver: 5 },
        { ackWaitMs: 30_000, maxDeliver: 5 },
      ),
    ).toEqual({ action: 'keep' });
    // JetStream shows "no limit" as -1, or 0 for a consumer made without one.
    expect(
      planEventConsumerChange(
        { ack_wait: nanos(30_000), max_deliver: 0 },
        { ackWaitMs: 30_000, maxDeliver: -1 },
      ),
    ).toEqual({ action: 'keep' });
  });

  it('updates the ack wait and max deliver that differ, saying each change and its variable', () => {
    expect(
      planEventConsumerChange(
        { ack_wait: nanos(30_000), max_deliver: -1 },
        { ackWaitMs: 120_000, maxDeliver: 10 },
      ),
    ).toEqual({
      action: 'update',
      config: { ack_wait: nanos(120_000), max_deliver: 10 },
      changes: [
        'ack wait 30s → 2m (FEDERA_CONSUMER_ACK_WAIT)',
        'max deliver no limit → 10 (FEDERA_CONSUMER_MAX_DELIVER)',
      ],
    });
  });

  it('changes only what differs', () => {
    expect(
      planEventConsumerChange(
        { ack_wait: nanos(30_000), max_deliver: 5 },
        { ackWaitMs: 30_000, maxDeliver: -1 },
      ),
    ).toEqual({
      action: 'update',
      config: { max_deliver: -1 },
      changes: ['max deliver 5 → no limit (FEDERA_CONSUMER_MAX_DELIVER)'],
    });
  });
});
