import { connect, type NatsConnection } from 'nats';
import { answerHealthPings, ServiceHealth } from '@federa/runtime';
import { uniquePrefix } from '@federa/testing';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Collects the rejections nobody handled while `body` runs and a moment after. */
async function unhandledRejectionsOf(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    // Let an answer's rejection, if left unhandled, reach the process.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}

describe('health pings answered on a bare NATS connection (the relay)', () => {
  let relay: NatsConnection;
  let asker: NatsConnection;

  beforeEach(async () => {
    relay = await connect({ servers: NATS_URL });
    asker = await connect({ servers: NATS_URL });
  });

  afterEach(async () => {
    await asker.close();
    if (!relay.isClosed()) await relay.close();
  });

  it('are answered with the report', async () => {
    const subject = `${uniquePrefix()}.health.relay`;
    answerHealthPings(
      relay,
      subject,
      new ServiceHealth('relay').add('nats', () => undefined),
    );
    await relay.flush();
    const answer = await asker.request(subject, undefined, { timeout: 5_000 });
    expect(answer.json()).toEqual({
      ok: true,
      result: { service: 'relay', ready: true, checks: [{ dependency: 'nats', up: true }] },
    });
  });

  it('whose answer cannot be sent are dropped without an unhandled rejection, which would end the process', async () => {
    const subject = `${uniquePrefix()}.health.relay`;
    // A reason longer than the bus takes in one message: publishing the answer throws.
    const tooLong = 'x'.repeat(relay.info!.max_payload + 1);
    answerHealthPings(
      relay,
      subject,
      new ServiceHealth('relay').add('nats', () => tooLong),
    );
    await relay.flush();
    const unhandled = await unhandledRejectionsOf(async () => {
      await expect(asker.request(subject, undefined, { timeout: 1_000 })).rejects.toThrow();
    });
    expect(unhandled).toEqual([]);
  });

  it('left unanswered when the connection closes while the probes run, without an unhandled rejection', async () => {
    const subject = `${uniquePrefix()}.health.relay`;
    let releaseProbe: () => void = () => undefined;
    let probeAsked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => (probeAsked = resolve));
    const health = new ServiceHealth('relay', 60_000).add(
      'nats',
      () =>
        new Promise<undefined>((resolve) => {
          probeAsked();
          releaseProbe = () => resolve(undefined);
        }),
    );
    answerHealthPings(relay, subject, health);
    await relay.flush();
    const unhandled = await unhandledRejectionsOf(async () => {
      const ping = asker.request(subject, undefined, { timeout: 1_000 });
      await asked;
      await relay.close();
      releaseProbe();
      await expect(ping).rejects.toThrow();
    });
    expect(unhandled).toEqual([]);
  });
});
