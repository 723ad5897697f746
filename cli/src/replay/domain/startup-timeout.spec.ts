import { hostsNotRegisteredMessage, natsUnreachableMessage } from './startup-timeout';

const bus = { natsUrl: 'nats://***@127.0.0.1:4222', subjectPrefix: 'loadtest' };

describe('the errors of a replay whose simulated hosts do not start in time', () => {
  it('names how many hosts did not register, the NATS URL, the prefix and the last reason', () => {
    expect(
      hostsNotRegisteredMessage(bus, { registered: 1, total: 4 }, 30_000, 'no responders'),
    ).toBe(
      '3 of 4 simulated hosts not registered within 30s on NATS nats://***@127.0.0.1:4222 ' +
        "under subject prefix loadtest (last answer: no responders): is --subject-prefix the target's?",
    );
  });

  it('names the NATS URL that never accepted the connection and why', () => {
    expect(natsUnreachableMessage(bus, 5_000, 'CONNECTION_REFUSED')).toBe(
      "NATS at nats://***@127.0.0.1:4222 did not accept the simulated hosts' connection within 5s " +
        "(CONNECTION_REFUSED): is --nats the target's NATS, and is it up?",
    );
  });
});
