import type { NatsConnection } from 'nats';
import { ServiceHealth } from '../service-health';
import { readinessWithNats } from './nats-readiness';

/** A connection as the probe sees it: closed or not, and its round trip. */
function connection(closed: boolean, rtt: () => Promise<number>): NatsConnection {
  return { isClosed: () => closed, rtt } as unknown as NatsConnection;
}

describe('readiness with NATS', () => {
  const health = (): ServiceHealth =>
    new ServiceHealth('inventory').add('postgres', () => undefined);

  it('is ready when the service is and its connection answers a round trip', async () => {
    const report = await readinessWithNats(
      health(),
      connection(false, () => Promise.resolve(1)),
    )();
    expect(report.ready).toBe(true);
    expect(report.checks.map((c) => c.dependency)).toEqual(['nats', 'postgres']);
  });

  it('names NATS down with the reason while disconnected', async () => {
    const disconnected = connection(false, () => Promise.reject(new Error('DISCONNECT')));
    const report = await readinessWithNats(health(), disconnected)();
    expect(report.ready).toBe(false);
    expect(report.checks[0]).toEqual({ dependency: 'nats', up: false, reason: 'DISCONNECT' });
  });

  it('names NATS down once its connection is closed', async () => {
    const report = await readinessWithNats(
      health(),
      connection(true, () => Promise.resolve(1)),
    )();
    expect(report.checks[0]).toEqual({
      dependency: 'nats',
      up: false,
      reason: 'the connection is closed',
    });
  });

  it("is not ready when one of the service's own checks is down, NATS being up", async () => {
    const failing = new ServiceHealth('inventory').add('read-model', () => 'catching up');
    const report = await readinessWithNats(
      failing,
      connection(false, () => Promise.resolve(1)),
    )();
    expect(report.ready).toBe(false);
  });

  it('names NATS down while the service has not connected yet', async () => {
    const report = await readinessWithNats(health(), () => {
      throw new Error('not connected yet');
    })();
    expect(report.ready).toBe(false);
    expect(report.checks[0]).toEqual({
      dependency: 'nats',
      up: false,
      reason: 'not connected yet',
    });
  });
});
